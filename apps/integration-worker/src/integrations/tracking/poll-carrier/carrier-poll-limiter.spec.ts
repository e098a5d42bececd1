import { retryAfterMs } from './carrier-poll-limiter.js';

// The budget itself lives in the database (one statement a batch): carrier-poll-budget.int-spec.ts.
describe("a carrier's Retry-After", () => {
  const t0 = Date.parse('2026-12-01T10:00:00Z');

  it('reads Retry-After in seconds or as an HTTP date, else the fallback', () => {
    expect(retryAfterMs('120', 5, t0)).toBe(120_000);
    expect(retryAfterMs(new Date(t0 + 90_000).toUTCString(), 5, t0)).toBe(90_000);
    expect(retryAfterMs(new Date(t0 - 90_000).toUTCString(), 5, t0)).toBe(0);
    for (const header of [undefined, '', 'soon', 42]) expect(retryAfterMs(header, 60_000, t0)).toBe(60_000);
  });
});
