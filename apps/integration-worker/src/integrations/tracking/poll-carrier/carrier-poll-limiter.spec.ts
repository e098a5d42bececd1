import { CarrierPollLimiter, retryAfterMs } from './carrier-poll-limiter.js';

describe('the carrier poll budget', () => {
  const t0 = Date.parse('2026-12-01T10:00:00Z');

  it('allows requestsPerMinute calls in any minute, per deployment', () => {
    const limiter = new CarrierPollLimiter();
    expect([limiter.take('a', 2, t0), limiter.take('a', 2, t0 + 1), limiter.take('a', 2, t0 + 2)]).toEqual([true, true, false]);
    expect(limiter.take('b', 2, t0 + 2)).toBe(true);
    expect(limiter.take('a', 2, t0 + 60_000)).toBe(true); // the first call left the window
  });

  it("holds every call until a 429's Retry-After has passed", () => {
    const limiter = new CarrierPollLimiter();
    limiter.block('a', 30_000, t0);
    expect(limiter.blockedUntil('a', t0 + 1)).toBe(t0 + 30_000);
    expect(limiter.take('a', 100, t0 + 29_999)).toBe(false);
    expect(limiter.blockedUntil('a', t0 + 30_000)).toBe(0);
    expect(limiter.take('a', 100, t0 + 30_000)).toBe(true);
  });

  it('reads Retry-After in seconds or as an HTTP date, else the fallback', () => {
    expect(retryAfterMs('120', 5, t0)).toBe(120_000);
    expect(retryAfterMs(new Date(t0 + 90_000).toUTCString(), 5, t0)).toBe(90_000);
    expect(retryAfterMs(new Date(t0 - 90_000).toUTCString(), 5, t0)).toBe(0);
    for (const header of [undefined, '', 'soon', 42]) expect(retryAfterMs(header, 60_000, t0)).toBe(60_000);
  });
});
