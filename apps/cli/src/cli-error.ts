import type { ErrorCode } from '@tributary/domain';

/** Exit codes are the CLI's contract with scripts: 2 means "fix the command line", 1 means "the call failed". */
export const EXIT_USAGE = 2;
export const EXIT_FAILED = 1;

/** A failure reported as `{ error: { code, message }, ... }` on stderr with a non-zero exit code. */
export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    /** One of ERROR_CODES (docs/errors.md), or `http_<status>` for an answer without the platform's error body. */
    readonly code: ErrorCode | `http_${number}`,
    message: string,
    /** Extra top-level fields of the error body, e.g. the API's `status` and `traceId`. */
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'CliError';
  }

  toJSON(): Record<string, unknown> {
    return { error: { code: this.code, message: this.message }, ...this.extra };
  }
}

/** The command line (or the CLI's own configuration) is wrong: nothing was sent. */
export const usageError = (code: ErrorCode, message: string) => new CliError(EXIT_USAGE, code, message);
