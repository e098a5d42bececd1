import { UUID_PATTERN } from '@tributary/domain';
import { uuidv7 } from './uuid-v7.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidv7', () => {
  it('has the version 7 and RFC 9562 variant bits', () => {
    for (let i = 0; i < 100; i++) expect(uuidv7()).toMatch(V7);
  });

  it('matches the generic UUID pattern', () => {
    expect(uuidv7()).toMatch(UUID_PATTERN);
  });

  it('starts with the 48-bit unix time in milliseconds', () => {
    const ms = Date.UTC(2026, 10, 23, 10, 0, 0, 123);
    const id = uuidv7(ms);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(ms);
  });

  it('sorts ids made in later milliseconds after earlier ones', () => {
    const start = Date.UTC(2026, 0, 1);
    const ids = [0, 1, 2, 1_000, 86_400_000, 2 ** 40].map((offset) => uuidv7(start + offset));
    expect([...ids].sort()).toEqual(ids);
  });

  it('gives distinct ids within one millisecond', () => {
    const ms = Date.now();
    expect(new Set(Array.from({ length: 1_000 }, () => uuidv7(ms))).size).toBe(1_000);
  });
});
