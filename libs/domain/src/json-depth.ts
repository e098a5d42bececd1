/** The default bound on how deeply a JSON body may nest (objects and arrays), at every edge. */
export const DEFAULT_JSON_MAX_DEPTH = 64;

export const payloadTooDeep = (maxDepth: number) =>
  ({ code: 'payload_too_deep', message: `The JSON body nests deeper than ${maxDepth} levels` }) as const;

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether a JSON text nests objects and arrays deeper than `maxDepth`, found by scanning its bytes
 * before it is parsed: a body nested 100,000 deep parses, then overflows the stack of the first
 * recursive walk over it (a NUL check, validation, a stringify) — a 500. Brackets inside strings
 * do not count; a malformed text is left to the parser to refuse. UTF-8 continuation bytes are all
 * ≥ 0x80, so scanning bytes sees no false bracket or quote.
 */
export function jsonNestsDeeperThan(text: Uint8Array, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const byte = text[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      if (++depth > maxDepth) return true;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      depth--;
    }
  }
  return false;
}
