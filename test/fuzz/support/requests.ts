import fc from 'fast-check';
import { fuzzBody, fuzzNumber, fuzzString, schemaArbitrary, type FuzzBody, type FuzzHints, type OpenApiDocument, type OpenApiOperation, type OpenApiParameter } from '@tributary/testing';
import type { AppName, FuzzPlatform } from './fuzz-platform.js';
import type { FuzzWorld } from './fuzz-world.js';

/** One request as the fuzzer sends it. */
export interface FuzzRequest {
  readonly app: AppName;
  /** What it aims at: `GET /v1/apps/{appId}` or `unknown`. */
  readonly target: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: FuzzBody;
}

/** Percent-encodes all but the unreserved characters (of the UTF-8 bytes: a lone surrogate becomes U+FFFD). */
export const percentEncode = (value: string, keep = /[A-Za-z0-9\-._~]/): string =>
  [...Buffer.from(value, 'utf8')].map((b) => (b < 0x80 && keep.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

/** What node:http lets into a header value: tab, printable ASCII and Latin-1; anything else becomes `?`. */
export const headerSafe = (value: string): string => value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');

/** Path segments that are already escapes (some of them invalid UTF-8, or encoded separators). */
const RAW_SEGMENTS = ['%ED%A0%80', '%ff', '%', '%zz', '%00', '%2e%2e', '%2F', '%5C', '..', '.', '%c0%ae', '%E2%80%AE', '~', '@', '*', '%20', '+', ';a=b', 'a:b'];

const segment = (value: fc.Arbitrary<unknown>): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 8, arbitrary: value.map((v) => percentEncode(typeof v === 'string' ? v : JSON.stringify(v) ?? 'undefined')) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
  );

/** Ids a fuzzed request may use: tenant A's and B's (each key then sees its own and the other's), any uuid, anything. */
export function idValues(world: FuzzWorld, name: string): fc.Arbitrary<unknown> | undefined {
  const known = [...(world.a.ids[name] ?? []), ...(world.b.ids[name] ?? [])];
  if (known.length === 0) return undefined;
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...known) },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.uuid({ version: 7 }) },
    { weight: 2, arbitrary: fuzzString },
    { weight: 1, arbitrary: fc.constantFrom(...known).map((id) => id.toUpperCase()) },
    { weight: 1, arbitrary: fc.constantFrom(...known).map((id) => `${id} `) },
  );
}

/** Cursors: real ones, cursor-shaped ones (`position.sub`, base64), and anything. */
export function cursorValues(world: FuzzWorld): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: world.cursors.length ? fc.constantFrom(...world.cursors) : fc.constant('1.0') },
    { weight: 3, arbitrary: fc.tuple(fuzzNumber, fuzzNumber).map(([a, b]) => `${a}.${b}`) },
    { weight: 2, arbitrary: fc.base64String({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 3, arbitrary: fuzzString },
  );
}

/** What the world knows for a name (ids, cursors, and values that make valid bodies likelier). */
export function worldHints(world: FuzzWorld, platform: FuzzPlatform): FuzzHints {
  return (name) => {
    if (name === 'after' || name === 'cursor') return cursorValues(world);
    // A schedule that fires while the suite runs would change the database behind the property's back.
    if (name === 'cron') return fc.oneof(fc.constantFrom('0 0 1 1 *', '0 0 29 2 *', '0 0 30 2 *', '61 * * * *', '* * * * * * *', '@yearly', '@reboot'), fuzzString);
    if (name === 'timeZone') return fc.oneof(fc.constantFrom('UTC', 'Europe/Berlin', 'Mars/Phobos', 'Etc/GMT+14', 'utc', ''), fuzzString);
    if (name === 'email') return fc.oneof(fc.emailAddress(), fc.constantFrom('a@b', '@', 'a@b@c', `${'a'.repeat(300)}@example.com`), fuzzString);
    if (name === 'securityToken') return fc.oneof({ weight: 4, arbitrary: fc.constant(platform.securityToken) }, { weight: 1, arbitrary: fuzzString });
    if (name === 'input') return fc.oneof(fc.constant({ trackingId: world.a.trackingId, carrier: 'dhl', occurredAt: '2026-11-23T10:00:00.000Z', to: 'delivered', version: 2, carrierStatus: 'Delivered' }), fc.object());
    if (name === 'integration') return fc.oneof(fc.constantFrom('webhook-relay', 'tracking', 'nope'), fuzzString);
    if (name === 'method') return fc.oneof(fc.constantFrom('relay-state-change', 'nope'), fuzzString);
    if (name === 'state') return fc.oneof(fc.constantFrom('delivered', 'in_transit', 'exception', 'unknown'), fuzzString);
    if (name === 'language') return fc.oneof(fc.constantFrom('en', 'de', 'xx', 'EN'), fuzzString);
    return idValues(world, name);
  };
}

/** The Authorization header: none, each kind of key, a key of the other tenant, and malformed ones. */
export function authorization(world: FuzzWorld, platform: FuzzPlatform): fc.Arbitrary<string | undefined> {
  const keys = [platform.adminKey, world.a.keys.owner, world.a.keys.member, world.a.keys.readOnly, world.b.keys.owner];
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 6, arbitrary: fc.constantFrom(...keys).map((k) => `Bearer ${k}`) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constantFrom(...keys).chain((k) =>
          fc.constantFrom(`bearer ${k}`, `BEARER ${k}`, k, `Bearer  ${k}`, `Bearer ${k} x`, `Bearer ${k.slice(0, -1)}`, `Bearer ${k}a`, `Basic ${Buffer.from(`${k}:`).toString('base64')}`, `Bearer ${k},Bearer ${k}`),
        ),
        fc.constantFrom('Bearer', 'Bearer ', 'Bearer trb_', 'Bearer trb_a_b', `Bearer trb_${'a'.repeat(12)}_${'b'.repeat(43)}`, `Bearer ${'a'.repeat(9_000)}`, 'Token x', 'Bearer null', 'Bearer undefined'),
        fuzzString.map((s) => headerSafe(`Bearer ${s}`)),
      ),
    },
  );
}

/** Other headers: content types, trace context, encodings, and now and then a huge or odd one. */
export function extraHeaders(): fc.Arbitrary<Record<string, string>> {
  const one = fc.oneof(
    fc.tuple(fc.constant('traceparent'), fc.oneof(fc.constant('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'), fc.constant('00-00000000000000000000000000000000-0000000000000000-00'), fuzzString.map(headerSafe))),
    fc.tuple(fc.constant('accept'), fc.constantFrom('application/json', 'text/html', '*/*', 'application/graphql-response+json', 'multipart/mixed', 'image/png', '', ';;;')),
    fc.tuple(fc.constant('content-encoding'), fc.constantFrom('gzip', 'br', 'deflate', 'identity', 'x-nope', 'gzip, gzip')),
    fc.tuple(fc.constant('accept-encoding'), fc.constantFrom('gzip', 'br', '*', 'x')),
    fc.tuple(fc.constant('x-forwarded-for'), fc.constantFrom('127.0.0.1', '::1', '10.0.0.1, 1.2.3.4', 'nope')),
    fc.tuple(fc.constant('origin'), fc.constantFrom('https://evil.example', 'null', 'http://127.0.0.1')),
    fc.tuple(fc.constantFrom('x-apollo-operation-name', 'apollo-require-preflight'), fc.constantFrom('x', '1', '')),
    fc.tuple(fc.constant('x-fuzz'), fc.constantFrom(1_000, 8_000, 17_000, 70_000).map((n) => 'a'.repeat(n))),
    fc.tuple(fc.constant('expect'), fc.constantFrom('100-continue', 'nope')),
    fc.tuple(fc.constant('range'), fc.constantFrom('bytes=0-1', 'bytes=9999999-', 'x')),
    fc.tuple(fc.constant('cookie'), fuzzString.map(headerSafe)),
    fc.tuple(fc.constantFrom('x-tenant-id', 'x-tributary-tenant', 'tenant-id'), fc.uuid()),
    fc.tuple(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }).filter((n) => /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(n) && !/^(content-length|transfer-encoding|host|connection|upgrade)$/i.test(n)), fuzzString.map(headerSafe)),
  );
  return fc.array(one, { maxLength: 3 }).map((pairs) => Object.fromEntries(pairs));
}

/** Methods: mostly the route's own, then the other usual ones, and tokens Node's parser may not know. */
export function methodFor(own: string): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant(own) },
    { weight: 3, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS') },
    { weight: 1, arbitrary: fc.constantFrom('PROPFIND', 'TRACE', 'PURGE', 'SEARCH', 'LINK', 'QUERY', 'FUZZ', 'get', 'M-SEARCH') },
  );
}

function queryValue(world: FuzzWorld, hints: FuzzHints, document: OpenApiDocument, parameter: OpenApiParameter): fc.Arbitrary<string[]> {
  const one = (hints(parameter.name) ?? schemaArbitrary(document, parameter.schema ?? { type: 'string' }, hints, parameter.name)).map((v) =>
    typeof v === 'string' ? v : JSON.stringify(v) ?? '',
  );
  return fc.oneof({ weight: 6, arbitrary: one.map((v) => [v]) }, { weight: 1, arbitrary: fc.array(one, { minLength: 2, maxLength: 3 }) }, { weight: 1, arbitrary: fc.constant<string[]>(['']) });
}

/** A query string for the operation's own parameters (each there or not, repeated now and then) and unknown ones. */
export function queryFor(world: FuzzWorld, hints: FuzzHints, document: OpenApiDocument, parameters: readonly OpenApiParameter[]): fc.Arbitrary<string> {
  const known = parameters.filter((p) => p.in === 'query').map((p) => fc.option(queryValue(world, hints, document, p).map((values) => values.map((v) => [p.name, v] as const)), { freq: 2, nil: undefined }));
  const unknown = fc.option(
    fc.array(fc.tuple(fc.oneof(fuzzString, fc.constantFrom('limit[]', 'after[a]', '__proto__', 'tenantId', 'token')), fuzzString), { maxLength: 2 }),
    { freq: 4, nil: undefined },
  );
  return fc.tuple(fc.tuple(...known), unknown).map(([params, extra]) => {
    const pairs = [...params.flatMap((p) => p ?? []), ...(extra ?? [])];
    return pairs.length ? `?${pairs.map(([k, v]) => `${percentEncode(k, /[A-Za-z0-9\-._~[\]]/)}=${percentEncode(v)}`).join('&')}` : '';
  });
}

/** Requests at one OpenAPI operation: its path with fuzzed parameters, query, headers, key and body. */
export function operationRequests(app: AppName, document: OpenApiDocument, operation: OpenApiOperation, world: FuzzWorld, platform: FuzzPlatform): fc.Arbitrary<FuzzRequest> {
  const hints = worldHints(world, platform);
  const names = [...operation.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const pathParams = fc.tuple(
    ...names.map((name) => {
      const declared = operation.parameters.find((p) => p.in === 'path' && p.name === name);
      return segment(hints(name) ?? schemaArbitrary(document, declared?.schema ?? { type: 'string' }, hints, name));
    }),
  );
  const body = operation.body ? fuzzBody(schemaArbitrary(document, operation.body, hints)) : fuzzBody();
  const withBody = (method: string) => (['GET', 'HEAD', 'OPTIONS'].includes(method) ? fc.oneof({ weight: 6, arbitrary: fc.constant<FuzzBody>({ kind: 'none' }) }, { weight: 1, arbitrary: body }) : body);
  return fc
    .record({ method: methodFor(operation.method), params: pathParams, query: queryFor(world, hints, document, operation.parameters), auth: authorization(world, platform), headers: extraHeaders() })
    .chain((r) => withBody(r.method).map((b) => ({ ...r, body: b })))
    .map(({ method, params, query, auth, headers, body: b }) => {
      let index = 0;
      const path = operation.path.replace(/\{[^}]+\}/g, () => params[index++] ?? '') + query;
      return {
        app,
        target: `${operation.method} ${operation.path}`,
        method,
        path,
        headers: { ...(auth ? { authorization: auth } : {}), ...(b.contentType !== undefined ? { 'content-type': headerSafe(b.contentType) } : {}), ...headers },
        body: b,
      };
    });
}
