import type { ErrorCode } from './error-codes.js';

/**
 * What kind of failure an error is. Each transport maps a kind to its own vocabulary
 * (HTTP status, GraphQL extension, socket.io event) in exactly one exception filter.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unsupported'
  | 'too_large'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

/**
 * The one error type the domain throws. `code` is one of ERROR_CODES (error-codes.ts, listed in
 * docs/errors.md): stable, clients switch on it; `message` is for humans and never carries a secret.
 */
export class TributaryError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'TributaryError';
  }

  /** Retrying cannot help: the message itself is wrong (bad payload, bad signature). */
  get retryable(): boolean {
    return this.kind === 'unavailable' || this.kind === 'internal' || this.kind === 'conflict';
  }
}

export const isTributaryError = (error: unknown): error is TributaryError => error instanceof TributaryError;
