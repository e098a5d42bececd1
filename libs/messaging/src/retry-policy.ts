import { isTributaryError } from '@tributary/domain';

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

export function describeError(error: unknown): { code: string; message: string } {
  if (isTributaryError(error)) return { code: error.code, message: error.message };
  if (error instanceof Error) return { code: 'handler_failed', message: error.message };
  return { code: 'handler_failed', message: String(error) };
}
