import { decodeCursor, encodeCursor, partitionKey } from './listen-cursor.js';

describe('the listen cursor', () => {
  it('reads back what it wrote: every partition with its next offset, topics with dots and dashes', () => {
    const cursor = new Map([
      [partitionKey('tracking.carrier-update.received', 0), 0n],
      [partitionKey('tracking.carrier-update.received', 15), 9_007_199_254_740_993n],
      [partitionKey('catalog.product.upserted', 3), 42n],
    ]);
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(encodeCursor(cursor)).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(encodeCursor(new Map()))).toEqual(new Map());
  });

  it.each([
    ['characters outside base64url', 'not*a*cursor'],
    ['an entry without an offset', Buffer.from('tracking.x:1').toString('base64url')],
    ['an offset that is no number', Buffer.from('tracking.x:1:ten').toString('base64url')],
    ['a partition that is no number', Buffer.from('tracking.x:p:1').toString('base64url')],
    ['an offset past a bigint', Buffer.from('tracking.x:1:9223372036854775808').toString('base64url')],
    ['an upper-case topic', Buffer.from('Tracking:1:1').toString('base64url')],
  ])('refuses %s with cursor_invalid', (_case, text) => {
    expect(() => decodeCursor(text)).toThrow(expect.objectContaining({ code: 'cursor_invalid', kind: 'invalid' }));
  });
});
