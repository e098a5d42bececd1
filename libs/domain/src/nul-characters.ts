/**
 * PostgreSQL stores no NUL character (U+0000) in text or jsonb: a value carrying one fails the query
 * (a 500) wherever it reaches the database. Nor does it store an unpaired UTF-16 surrogate, which
 * JSON can carry (`"\ud800"`) but UTF-8 cannot: jsonb refuses it (a 500 too), and text would get
 * U+FFFD in its place. The edges refuse both up front, with this code.
 */
export const NUL_REFUSED = {
  code: 'invalid_characters',
  message: 'The request contains a NUL character (U+0000) or an unpaired surrogate (U+D800 to U+DFFF), which is not accepted',
} as const;

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const unstorable = (text: string): boolean => text.includes('\u0000') || UNPAIRED_SURROGATE.test(text);

/** Whether a parsed value (JSON, query, GraphQL variables) holds a NUL or an unpaired surrogate in a string or a key. */
export function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return unstorable(value);
  if (value === null || typeof value !== 'object' || depth > 64 || Buffer.isBuffer(value)) return false;
  if (Array.isArray(value)) return value.some((item) => containsNul(item, depth + 1));
  return Object.entries(value).some(([key, item]) => unstorable(key) || containsNul(item, depth + 1));
}

/** Whether a URL (path and query, percent-encoded) carries a NUL. */
export const urlContainsNul = (url: string): boolean => /%00|\u0000/i.test(url);
