import type { ProductFeedItem } from './export-products.dto.js';

/** The CSV feed's columns, in order (the header line names them). */
export const CSV_COLUMNS = ['sku', 'name', 'description', 'brand', 'gtin', 'url', 'imageUrl', 'price', 'currency', 'stock', 'availability', 'updatedAt'] as const;

/**
 * One RFC 4180 field: quoted when it holds a comma, a quote, a line break or edge spaces, with its
 * quotes doubled; null is an empty field.
 */
export const csvField = (value: string | number | null): string => {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

export const csvHeader = (): string => `${CSV_COLUMNS.join(',')}\r\n`;

export const csvLines = (items: readonly ProductFeedItem[]): string => items.map((item) => `${CSV_COLUMNS.map((c) => csvField(item[c])).join(',')}\r\n`).join('');

/** The JSON feed is one array, written item by item: `[` first, a comma before every item but the first, `]` last. */
export const jsonItems = (items: readonly ProductFeedItem[], first: boolean): string =>
  items.map((item, i) => `${first && i === 0 ? '' : ','}\n${JSON.stringify(item)}`).join('');
