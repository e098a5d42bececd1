/**
 * PostgreSQL stores no NUL character (U+0000) in text or jsonb: a value carrying one fails the query
 * (a 500) wherever it reaches the database. The edges refuse it up front, with this code.
 */
export const NUL_REFUSED = { code: 'invalid_characters', message: 'The request contains a NUL character (U+0000), which is not accepted' } as const;

/** Whether a parsed value (JSON, query, GraphQL variables) holds a NUL in a string or a key. */
export function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (value === null || typeof value !== 'object' || depth > 64 || Buffer.isBuffer(value)) return false;
  if (Array.isArray(value)) return value.some((item) => containsNul(item, depth + 1));
  return Object.entries(value).some(([key, item]) => key.includes('\u0000') || containsNul(item, depth + 1));
}

/** Whether a URL (path and query, percent-encoded) carries a NUL. */
export const urlContainsNul = (url: string): boolean => /%00|\u0000/i.test(url);
