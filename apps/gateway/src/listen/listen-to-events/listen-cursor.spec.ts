import { deflateRawSync } from 'node:zlib';
import { decodeCursor, encodeCursor, partitionKey } from './listen-cursor.js';

/** A cursor as the server writes it, from its entries' text. */
const wire = (text: string) => deflateRawSync(Buffer.from(text, 'utf8')).toString('base64url');

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
    ['an entry without an offset', wire('tracking.x:1')],
    ['an offset that is no number', wire('tracking.x:1:ten')],
    ['a partition that is no number', wire('tracking.x:p:1')],
    ['an offset past a bigint', wire('tracking.x:1:9223372036854775808')],
    ['an upper-case topic', wire('Tracking:1:1')],
    ['base64url of no deflate stream', Buffer.from('tracking.x:1:1').toString('base64url')],
    ['a deflate stream that inflates past 1 MiB', deflateRawSync(Buffer.alloc(2 * 1024 * 1024, 'a')).toString('base64url')],
  ])('refuses %s with cursor_invalid', (_case, text) => {
    expect(() => decodeCursor(text)).toThrow(expect.objectContaining({ code: 'cursor_invalid', kind: 'invalid' }));
  });
});
