import { backoffDelay, describeError, isRetryable, type RetryPolicy } from '../retry-policy.js';
import type { DeliveryOutcome } from './delivery-observer.js';

export interface DeliveryPlan {
  readonly retry: RetryPolicy;
  /** Runs the handler once; throws on failure. */
  attempt(attempt: number): Promise<void>;
  deadLetter(error: unknown, attempts: number): Promise<void>;
  /** Waits between attempts; resolves early on shutdown. */
  backoff(ms: number): Promise<void>;
  /** False once the consumer may no longer handle this message (shutdown, partition lost). */
  stillOwned(): boolean;
  onRetry?(error: unknown, attempt: number): void;
  /** Told how each attempt ended and how long it took. */
  observe?(outcome: DeliveryOutcome, seconds: number): void;
}

/**
 * Handles one message until it succeeds or is dead-lettered, holding its partition meanwhile (so
 * later messages of the same key wait). Errors that cannot succeed on retry, and the last attempt,
 * go to the dead letters. Returns false when the consumer lost the message to someone else: it
 * must then neither commit nor go on.
 */
export async function deliverWithRetry(plan: DeliveryPlan): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const started = performance.now();
    const took = () => (performance.now() - started) / 1000;
    try {
      await plan.attempt(attempt);
      plan.observe?.('ok', took());
      return true;
    } catch (error) {
      if (!isRetryable(error) || attempt >= plan.retry.maxAttempts) {
        plan.observe?.('dead_letter', took());
        await plan.deadLetter(error, attempt);
        return true;
      }
      plan.observe?.('retry', took());
      plan.onRetry?.(error, attempt);
      await plan.backoff(backoffDelay(plan.retry, attempt));
      if (!plan.stillOwned()) return false;
    }
  }
}

export const retryWarning = (where: string, error: unknown, attempt: number): string =>
  `${where} failed (attempt ${attempt}): ${describeError(error).message}`;
