import { MemoryRateLimiter } from './rate-limiter.js';

describe('MemoryRateLimiter (GCRA)', () => {
  let now = 1_000_000;
  const limiter = new MemoryRateLimiter(() => now);
  afterAll(() => limiter.close());

  it('allows a burst of one second of traffic, then refuses with the seconds to wait', () => {
    const answers = Array.from({ length: 6 }, () => limiter.take('w1', 5));
    expect(answers.slice(0, 5).every((a) => a.allowed)).toBe(true);
    expect(answers[5]).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('lets requests through again as time passes, at the configured rate', () => {
    now += 200; // one interval at 5/s
    expect(limiter.take('w1', 5).allowed).toBe(true);
    expect(limiter.take('w1', 5).allowed).toBe(false);
    now += 1_000;
    expect(Array.from({ length: 6 }, () => limiter.take('w1', 5).allowed)).toEqual([true, true, true, true, true, false]);
  });

  it('keeps keys apart and rounds long waits up to whole seconds', () => {
    expect(limiter.take('other', 5).allowed).toBe(true);
    const slow = Array.from({ length: 2 }, () => limiter.take('slow', 0.25));
    expect(slow[0].allowed).toBe(true);
    expect(slow[1]).toEqual({ allowed: false, retryAfterSeconds: 4 });
  });
});
