import { isTributaryError, TributaryError, type ErrorCode } from '@tributary/domain';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 10_000 };

/** Exponential backoff with full jitter: a random delay in [0, min(max, base·2^(attempt-1))]. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(random() * ceiling);
}

/** Validation and signature failures cannot succeed on retry: they go straight to the dead letters. */
export function isRetryable(error: unknown): boolean {
  return isTributaryError(error) ? error.retryable : true;
}

export function describeError(error: unknown): { code: ErrorCode; message: string } {
  if (isTributaryError(error)) return { code: error.code, message: error.message };
  if (error instanceof Error) return { code: 'handler_failed', message: error.message };
  return { code: 'handler_failed', message: String(error) };
}

/**
 * A handler's way to say "retrying cannot help" with its own stable code (a payload the external
 * service rejects, a missing deployment): the message goes to the dead letters at once.
 */
export class NonRetryable extends TributaryError {
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super('invalid', code, message, details);
    this.name = 'NonRetryable';
  }

  override get retryable(): boolean {
    return false;
  }
}

const RETRY_POLICY = Symbol.for('tributary.retryPolicy');

/**
 * Marks a failure with the retry policy of the handler that failed (handlers declare their own
 * attempts and delays); the transport uses it instead of the consumer's default.
 */
export function withRetryPolicy<E>(error: E, policy: RetryPolicy): E {
  if (error !== null && typeof error === 'object') Object.defineProperty(error, RETRY_POLICY, { value: policy, configurable: true });
  return error;
}

/** Whether a failure already carries a policy (its own, e.g. "come back when this lease ends"). */
export function hasRetryPolicy(error: unknown): boolean {
  return error !== null && typeof error === 'object' && RETRY_POLICY in error;
}

export function retryPolicyOf(error: unknown, fallback: RetryPolicy): RetryPolicy {
  const policy = error !== null && typeof error === 'object' ? (error as { [RETRY_POLICY]?: RetryPolicy })[RETRY_POLICY] : undefined;
  return policy ?? fallback;
}
