import { MemoryRateLimiter } from './rate-limiter.js';

/** Each case has its own limiter and clock, so the cases hold in any order and alone. */
function limiterAt(start: number) {
  const clock = { now: start };
  const limiter = new MemoryRateLimiter(() => clock.now);
  return { clock, limiter };
}

describe('MemoryRateLimiter (GCRA)', () => {
  const limiters: MemoryRateLimiter[] = [];
  const fresh = () => {
    const made = limiterAt(1_000_000);
    limiters.push(made.limiter);
    return made;
  };
  afterEach(async () => {
    await Promise.all(limiters.splice(0).map((l) => l.close()));
  });

  it('allows a burst of one second of traffic, then refuses with the seconds to wait', () => {
    const { limiter } = fresh();
    const answers = Array.from({ length: 6 }, () => limiter.take('w1', 5));
    expect(answers.slice(0, 5).every((a) => a.allowed)).toBe(true);
    expect(answers[5]).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('lets requests through again as time passes, at the configured rate', () => {
    const { clock, limiter } = fresh();
    // Given a spent burst,
    expect(Array.from({ length: 5 }, () => limiter.take('w1', 5).allowed)).toEqual([true, true, true, true, true]);
    expect(limiter.take('w1', 5).allowed).toBe(false);
    // one interval at 5/s lets one more through,
    clock.now += 200;
    expect(limiter.take('w1', 5).allowed).toBe(true);
    expect(limiter.take('w1', 5).allowed).toBe(false);
    // and a second a whole burst again.
    clock.now += 1_000;
    expect(Array.from({ length: 6 }, () => limiter.take('w1', 5).allowed)).toEqual([true, true, true, true, true, false]);
  });

  it('keeps keys apart and rounds long waits up to whole seconds', () => {
    const { limiter } = fresh();
    expect(Array.from({ length: 6 }, () => limiter.take('w1', 5).allowed).at(-1)).toBe(false);
    expect(limiter.take('other', 5).allowed).toBe(true);
    const slow = Array.from({ length: 2 }, () => limiter.take('slow', 0.25));
    expect(slow[0].allowed).toBe(true);
    expect(slow[1]).toEqual({ allowed: false, retryAfterSeconds: 4 });
  });
});
