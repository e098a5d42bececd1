import { randomUUID } from 'node:crypto';
import { testRedis } from '@tributary/testing';
import { MemoryRateLimiter } from './rate-limiter.js';
import { RedisRateLimiter } from './redis-rate-limiter.js';

const redis = await testRedis();
const itWithRedis = redis.url ? it : it.skip;

/** Two limiters on one Redis behave as one: what one replica let through counts for the other. */
describe(`RedisRateLimiter${redis.skipped ? ` (Redis cases skipped: ${redis.skipped})` : ''}`, () => {
  let now = 5_000_000;
  const clock = () => now;
  const limiters: RedisRateLimiter[] = [];

  afterAll(async () => {
    await Promise.all(limiters.map((l) => l.close()));
  });

  const replica = () => {
    const limiter = new RedisRateLimiter(redis.url!, clock);
    limiters.push(limiter);
    return limiter;
  };

  itWithRedis('shares one budget between replicas, and agrees with the in-memory limiter step for step', async () => {
    const [a, b] = [replica(), replica()];
    const memory = new MemoryRateLimiter(clock);
    const key = `w:${randomUUID()}`;
    const steps: [number, RedisRateLimiter][] = [[0, a], [0, b], [0, a], [400, b], [0, a], [700, b], [0, b], [0, a]];
    for (const [advance, limiter] of steps) {
      now += advance;
      const [shared, single] = [await limiter.take(key, 2), memory.take(key, 2)];
      expect(shared).toEqual(single);
    }
    await memory.close();
  });

  itWithRedis('refuses on one replica what the other used up, with the seconds to wait', async () => {
    const [a, b] = [replica(), replica()];
    const key = `t:${randomUUID()}`;
    expect((await a.take(key, 1)).allowed).toBe(true);
    expect(await b.take(key, 1)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 1000;
    expect((await b.take(key, 1)).allowed).toBe(true);
  });

  it('lets deliveries through when Redis cannot be reached (fail open)', async () => {
    const limiter = new RedisRateLimiter('redis://127.0.0.1:1', clock, 100);
    limiters.push(limiter);
    expect(await limiter.take('w:any', 1)).toEqual({ allowed: true, retryAfterSeconds: 0 });
  });
});
