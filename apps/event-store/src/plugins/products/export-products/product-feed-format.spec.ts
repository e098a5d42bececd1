import type { ProductFeedItem } from './export-products.dto.js';
import { csvField, csvHeader, csvLines, jsonItems } from './product-feed-format.js';

const item = (over: Partial<ProductFeedItem> = {}): ProductFeedItem => ({
  sku: 'A-1',
  name: 'Mug',
  description: null,
  brand: null,
  gtin: null,
  url: null,
  imageUrl: null,
  price: '12.90',
  currency: 'EUR',
  stock: 4,
  availability: 'in_stock',
  updatedAt: '2026-01-01T10:00:00.000Z',
  ...over,
});

describe('the product feed formats', () => {
  it.each([
    ['plain', 'plain'],
    ['a, b', '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    [' edge', '" edge"'],
    ['edge ', '"edge "'],
    ['', ''],
    [null, ''],
    [0, '0'],
  ])('writes %j as the RFC 4180 field %j', (value, field) => {
    expect(csvField(value)).toBe(field);
  });

  it('writes a header and one CRLF-ended line per item, in the header’s column order', () => {
    expect(csvHeader()).toBe('sku,name,description,brand,gtin,url,imageUrl,price,currency,stock,availability,updatedAt\r\n');
    expect(csvLines([item(), item({ sku: 'B-2', name: 'Pen, blue', stock: null, availability: 'unknown' })])).toBe(
      'A-1,Mug,,,,,,12.90,EUR,4,in_stock,2026-01-01T10:00:00.000Z\r\nB-2,"Pen, blue",,,,,,12.90,EUR,,unknown,2026-01-01T10:00:00.000Z\r\n',
    );
  });

  it('writes JSON pages that join into one array', () => {
    const body = `[${jsonItems([item(), item({ sku: 'B-2' })], true)}${jsonItems([item({ sku: 'C-3' })], false)}\n]\n`;
    expect((JSON.parse(body) as ProductFeedItem[]).map((p) => p.sku)).toEqual(['A-1', 'B-2', 'C-3']);
    expect(JSON.parse(`[${jsonItems([], true)}\n]`)).toEqual([]);
  });
});
