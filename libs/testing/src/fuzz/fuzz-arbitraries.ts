import fc from 'fast-check';

/**
 * Hostile values for fuzzing the platform's edges: strings with what breaks parsers and databases
 * (NUL, lone surrogates, control and bidi characters, quotes, percent signs), numbers at and past
 * every limit, JSON nested deep, bodies within and beyond the body limit, bytes that are not JSON.
 */

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const awkward = fc.constantFrom(
  '\u0000', '\u0001', '\u0008', '\u001b', '\u001f', '\u007f', '\u0085', '\u00a0', '\u2028', '\u2029', '\u200b', '\u202e',
  '\ufeff', '\ufffe', '\uffff', '\u{10ffff}', '\u{1f4a5}', 'e\u0301', 'İ', 'ß', '"', "'", '`', '\\', '%', '/', '?', '#', '&',
  '=', '+', ';', ',', '.', '..', '*', '$', '{', '}', '[', ']', '<', '>', '\r', '\n', '\t', ' ',
);

/** One character (or a short sequence) of any kind, biased towards the awkward ones. */
export const fuzzChar: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: awkward },
  { weight: 1, arbitrary: loneSurrogate },
);

const notableStrings = fc.constantFrom(
  '', ' ', 'null', 'undefined', 'true', 'false', '0', '-1', '1.5', 'NaN', 'Infinity', '-Infinity', '1e309', '9'.repeat(40),
  '0x1f', '__proto__', 'constructor', 'prototype', 'toString', "' OR '1'='1", '"; DROP TABLE x; --', '%00', '%ff', '%', '%%',
  '%2e%2e%2f', '../../../../etc/passwd', '$where', '{"$gt":""}', '<script>alert(1)</script>', '${7*7}', '{{7*7}}',
  '*', '1.2.3', '123.456', '-1.-1', '0.0', '1.', '.1', 'a.b', '2026-13-45T25:61:61Z', '2026-02-30', '0000-00-00T00:00:00Z',
  '+275760-09-13T00:00:00.001Z', '1970-01-01T00:00:00Z', 'Europe/Nowhere', '0190f3b4-0000-7000-8000-000000000000',
  '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'trb_', 'Bearer', 'a\u0000b', '\ud800', '\udfff\ud800',
);

/** A string a client might send: short and hostile, a notable edge value, or long. */
export const fuzzString: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.string({ unit: fuzzChar, maxLength: 24 }) },
  { weight: 3, arbitrary: notableStrings },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(129, 201, 256, 1_000, 8_193, 70_000), fuzzChar).map(([n, c]) => c.repeat(n)) },
);

/** Numbers at and past the limits of JSON, JavaScript, PostgreSQL int4/int8 and JavaScript dates. */
export const fuzzNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -5, max: 1_100 }),
  fc.constantFrom(
    0, -0, -1, 1, 0.5, -0.5, 1e-7, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 2 ** 63, 2 ** 64, -(2 ** 63), 1e21, 1e308, -1e308,
    Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, Number.EPSILON, 8.64e15, 8.64e15 + 1, 1_000_001, 2_592_001,
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any JSON value, of hostile strings and edge numbers, a few levels deep. */
export const fuzzJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fuzzNumber,
    fuzzString,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(fuzzString, fc.constantFrom('__proto__', 'constructor', 'id', 'tenantId', 'name', 'data')), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** JSON text of arrays or objects nested `depth` deep (written as text: a value that deep overflows JSON.stringify). */
export function nestedJsonText(depth: number, kind: 'array' | 'object' = 'array'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** A request body as bytes with the content type it is sent with (undefined: no content-type header). */
export interface FuzzBody {
  readonly kind: string;
  readonly bytes?: Buffer;
  readonly contentType?: string;
}

export const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/merge-patch+json',
  'application/vnd.api+json',
  'application/jsonx',
  'text/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'application/octet-stream',
  'application/graphql',
  'application/json; boundary=',
  ';',
  '',
  'a'.repeat(300),
];

const json = (value: unknown, contentType = 'application/json'): FuzzBody => ({ kind: 'json', bytes: Buffer.from(JSON.stringify(value) ?? 'null'), contentType });

/**
 * Bodies of every kind: JSON of the route's own shape (`shaped`) or any, nested deep, huge (within
 * and beyond `limitBytes`), malformed or not JSON at all, with a JSON or another content type.
 */
export function fuzzBody(shaped: fc.Arbitrary<unknown> = fuzzJson, limitBytes = 1024 * 1024): fc.Arbitrary<FuzzBody> {
  return anyBody(shaped, limitBytes).map(summarized);
}

/** A body prints (in a counterexample) as its kind, content type, size and first bytes: not megabytes of them. */
export function summarized(body: FuzzBody): FuzzBody {
  const text = body.bytes ? JSON.stringify(body.bytes.subarray(0, 300).toString('latin1')) : '';
  const summary = `${body.kind} (${body.contentType ?? 'no content-type'}, ${body.bytes?.length ?? 0} bytes${body.bytes ? `: ${text}${body.bytes.length > 300 ? '…' : ''}` : ''})`;
  return Object.assign({ ...body }, { [fc.toStringMethod]: () => summary });
}

function anyBody(shaped: fc.Arbitrary<unknown>, limitBytes: number): fc.Arbitrary<FuzzBody> {
  const contentType = fc.oneof({ weight: 6, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) }, { weight: 1, arbitrary: fc.constant(undefined) });
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant<FuzzBody>({ kind: 'none' }) },
    { weight: 8, arbitrary: fc.tuple(shaped, contentType).map(([v, t]) => ({ ...json(v), contentType: t })) },
    { weight: 3, arbitrary: fuzzJson.map((v) => json(v)) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(63, 64, 65, 1_000, 100_000), fc.constantFrom<'array' | 'object'>('array', 'object'))
        .map(([depth, kind]) => ({ kind: `nested ${depth}`, bytes: Buffer.from(nestedJsonText(depth, kind)), contentType: 'application/json' })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(limitBytes - 1_024, limitBytes + 1_024, limitBytes * 3).chain((size) =>
        fc.constantFrom(
          { kind: `huge string ${size}`, bytes: Buffer.from(JSON.stringify({ name: 'x'.repeat(size) })), contentType: 'application/json' },
          { kind: `huge array ${size}`, bytes: Buffer.from(`[${'1,'.repeat(Math.floor(size / 2))}1]`), contentType: 'application/json' },
        ),
      ),
    },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
        fc.constantFrom('{', '{"a":', '{"a":1,}', "{'a':1}", '[1,2', 'nul', 'NaN', '{"a":NaN}', '\ufeff{}', '{"a":"\\ud800"}', '{"a":"\\u0000"}', '{"__proto__":{"x":1}}', '1'.repeat(400), '"x"', '0', '{"a":1}{"b":2}', '\u0000')
          .map((s) => Buffer.from(s)),
        fc.constantFrom(Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]), Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), Buffer.from([0xed, 0xa0, 0x80])),
      ).chain((bytes) => contentType.map((t) => ({ kind: 'not json', bytes, contentType: t }))),
    },
  );
}
