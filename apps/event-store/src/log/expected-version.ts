import { TributaryError } from '@tributary/domain';

/**
 * What an appender believes about the stream: `any` (no check), `no-stream` (it has no events yet),
 * `stream-exists` (it has at least one), or an exact version n (it has exactly n events; 0 = none).
 */
export type ExpectedVersion = 'any' | 'no-stream' | 'stream-exists' | number;

export const EXPECTED_VERSION_KEYWORDS = ['any', 'no-stream', 'stream-exists'] as const;

export function isExpectedVersion(value: unknown): value is ExpectedVersion {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0;
  return (EXPECTED_VERSION_KEYWORDS as readonly unknown[]).includes(value);
}

export function wrongExpectedVersion(streamId: string, expected: ExpectedVersion, actual: number): TributaryError {
  return new TributaryError(
    'conflict',
    'wrong_expected_version',
    `Stream "${streamId}" is at version ${actual}; the append expected ${typeof expected === 'number' ? `version ${expected}` : expected}`,
    { streamId, expectedVersion: expected, actualVersion: actual },
  );
}
