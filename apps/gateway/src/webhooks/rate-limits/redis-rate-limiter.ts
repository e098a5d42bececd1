import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { decision, type RateDecision, type RateLimiter } from './rate-limiter.js';

/** `gcra` of rate-limiter.ts, atomically in Redis: returns the milliseconds to wait (0: allowed and counted). */
const GCRA = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local stored = tonumber(redis.call('GET', KEYS[1]))
local tat = math.max(stored or now, now) + interval
local allow_at = tat - interval * burst
if allow_at > now then return math.ceil(allow_at - now) end
redis.call('SET', KEYS[1], tostring(tat), 'PX', math.ceil(tat - now) + 1000)
return 0
`;

const PREFIX = 'tributary:rl:';

/**
 * Rate limits shared by every gateway replica through one Redis (`REDIS_URL`). Replicas pass their
 * own clock (NTP-synchronised hosts differ by milliseconds, far below a limit's interval). When
 * Redis cannot answer within `timeoutMs`, deliveries are let through (fail open) and a warning is
 * logged at most once a minute: an outage of the limiter must not become an outage of ingress.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly logger = new Logger('RedisRateLimiter');
  private readonly redis: Redis;
  private warnedAt = 0;

  constructor(
    url: string,
    private readonly clock: () => number = Date.now,
    timeoutMs = 250,
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: timeoutMs, enableAutoPipelining: true, disconnectTimeout: 200 });
    this.redis.on('error', (error: Error) => this.warn(error));
    this.redis.defineCommand('tributaryGcra', { numberOfKeys: 1, lua: GCRA });
  }

  async take(key: string, perSecond: number): Promise<RateDecision> {
    try {
      const interval = 1000 / perSecond;
      const waitMs = await (this.redis as Redis & { tributaryGcra(key: string, ...args: number[]): Promise<number> }).tributaryGcra(
        `${PREFIX}${key}`,
        this.clock(),
        interval,
        Math.max(1, perSecond),
      );
      return decision(Number(waitMs));
    } catch (error) {
      this.warn(error as Error);
      return decision(0);
    }
  }

  async close(): Promise<void> {
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }

  private warn(error: Error): void {
    const now = Date.now();
    if (now - this.warnedAt < 60_000) return;
    this.warnedAt = now;
    this.logger.warn({ err: { message: error.message } }, 'rate limiter unavailable; letting deliveries through');
  }
}
