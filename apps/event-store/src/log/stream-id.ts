import { TributaryError } from '@tributary/domain';

/** Stream ids are any text of 1 to 200 characters without control characters. */
export function streamIdOf(value: string): string {
  if (value.length < 1 || value.length > 200 || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new TributaryError('invalid', 'stream_id_invalid', 'A stream id is 1 to 200 characters, without control characters');
  }
  return value;
}
