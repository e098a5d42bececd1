/** The answer of a rate limiter: go, or wait `retryAfterSeconds`. */
export interface RateDecision {
  readonly allowed: boolean;
  /** Whole seconds until a request would be allowed (the `Retry-After` header); 0 when allowed. */
  readonly retryAfterSeconds: number;
}

/**
 * Generic cell rate algorithm: `perSecond` requests a second, with bursts of up to one second's
 * worth. One number per key (the theoretical arrival time), so it is cheap in memory and atomic
 * in one Redis script. Two adapters: in memory (one gateway), Redis (replicas share the limits).
 */
export interface RateLimiter {
  take(key: string, perSecond: number): Promise<RateDecision> | RateDecision;
  close(): Promise<void>;
}

export const RATE_LIMITER = Symbol('RATE_LIMITER');

/** The GCRA step shared by both adapters: the new arrival time, or how long to wait. */
export function gcra(storedTat: number | undefined, now: number, perSecond: number): { tat: number; waitMs: number } {
  const interval = 1000 / perSecond;
  const burst = Math.max(1, perSecond);
  const tat = Math.max(storedTat ?? now, now) + interval;
  const allowAt = tat - interval * burst;
  return allowAt > now ? { tat: storedTat ?? now, waitMs: allowAt - now } : { tat, waitMs: 0 };
}

export const decision = (waitMs: number): RateDecision =>
  waitMs > 0 ? { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) } : { allowed: true, retryAfterSeconds: 0 };

/** One gateway's own limits (REDIS_URL unset). Entries expire once their arrival time has passed. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly tats = new Map<string, number>();
  private readonly sweep: NodeJS.Timeout;

  constructor(private readonly clock: () => number = Date.now) {
    this.sweep = setInterval(() => {
      const now = this.clock();
      for (const [key, tat] of this.tats) if (tat < now) this.tats.delete(key);
    }, 10_000);
    this.sweep.unref();
  }

  take(key: string, perSecond: number): RateDecision {
    const now = this.clock();
    const { tat, waitMs } = gcra(this.tats.get(key), now, perSecond);
    if (waitMs === 0) this.tats.set(key, tat);
    return decision(waitMs);
  }

  async close(): Promise<void> {
    clearInterval(this.sweep);
  }
}
