import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createTestDatabase, eventually, readJson, startTcpProxy, subscribe, type TcpProxy, type TestDatabase } from '@tributary/testing';
import { startPlatform, type RunningPlatform } from '../../apps/standalone/src/platform.js';
import { loadStandaloneConfig } from '../../apps/standalone/src/standalone.config.js';
import { createApiRootApp } from '../../apps/api-root/src/api-root.app.js';
import { loadApiRootConfig } from '../../apps/api-root/src/api-root.config.js';

/**
 * The composed API against the four real apps (the standalone process): its OpenAPI document is
 * theirs, every operation of theirs answers the same through it, its stitched GraphQL schema gives
 * their data and errors, subscriptions reach the change-sink, and a down app is a 502 of its own.
 * The apps run as in their images, with `NODE_ENV=production` — GraphQL introspection off — so the
 * root stitches from the SDL they publish at `/docs-graphql`.
 */

type Prefix = 'gateway' | 'event-store' | 'change-sink' | 'worker';
interface Operation {
  operationId?: string;
  tags?: string[];
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, Record<string, unknown>>;
  tags: { name: string }[];
}
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const UNKNOWN_ID = '0190f3b4-0000-7000-8000-000000000000';
const concrete = (path: string) => path.replace(/\{[^}]+\}/g, UNKNOWN_ID);

interface Answer {
  status: number;
  body: unknown;
}
/** Status and body; the trace id is per request (each side's own), so it is left out of the comparison. */
const answerOf = async (response: Response): Promise<Answer> => {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    // not JSON: compared as text
  }
  if (body && typeof body === 'object' && 'traceId' in body) body = { ...body, traceId: '<trace>' };
  return { status: response.status, body };
};

const graphqlBody = (query: string, variables?: Record<string, unknown>) => JSON.stringify({ query, variables });

describe('the composed API (apps/api-root)', () => {
  let home: string;
  let database: TestDatabase;
  let platform: RunningPlatform;
  let root: string;
  let tenant: { id: string; apiKey: string };
  let other: { id: string; apiKey: string };
  const APP_URL = (prefix: Prefix) =>
    ({ gateway: platform.urls.gateway, 'event-store': platform.urls.eventStore, 'change-sink': platform.urls.changeSink, worker: platform.urls.worker })[prefix];
  const PREFIXES: Prefix[] = ['gateway', 'event-store', 'change-sink', 'worker'];

  const createTenant = async (name: string) => {
    const response = await fetch(`${platform.urls.gateway}/v1/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${platform.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    return (await readJson(response)) as { id: string; apiKey: string };
  };

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'tributary-api-root-'));
    database = await createTestDatabase();
    // Apollo reads NODE_ENV when each endpoint starts: production turns introspection off, as in the images.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      platform = await startPlatform(
        loadStandaloneConfig({ TRIBUTARY_HOME: home, DATABASE_URL: database.url, GATEWAY_PORT: '0', EVENT_STORE_PORT: '0', CHANGE_SINK_PORT: '0', WORKER_PORT: '0', LOG_LEVEL: 'silent' }),
      );
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
    root = platform.urls.apiRoot;
    tenant = await createTenant('api-root');
    other = await createTenant('api-root-other');
  });

  afterAll(async () => {
    await platform?.stop();
    await database?.drop();
    rmSync(home, { recursive: true, force: true });
  });

  it("serves one OpenAPI document: each app's operations under /<app>, ids and tags per app, components renamed and every $ref resolved", async () => {
    const composed = (await readJson(await fetch(`${root}/docs-json`))) as Document;
    const schemaPrefix = { gateway: 'Gateway', 'event-store': 'EventStore', 'change-sink': 'ChangeSink', worker: 'Worker' };
    for (const prefix of PREFIXES) {
      const own = (await readJson(await fetch(`${APP_URL(prefix)}/docs-json`))) as Document;
      for (const [path, item] of Object.entries(own.paths)) {
        for (const method of METHODS.filter((m) => item[m])) {
          const there = composed.paths[`/${prefix}${path}`]?.[method];
          expect({ path, method, operationId: there?.operationId }).toEqual({ path, method, operationId: item[method].operationId && `${prefix}.${item[method].operationId}` });
          expect(there.tags!.every((tag) => tag === prefix || tag.startsWith(`${prefix}: `))).toBe(true);
        }
      }
      for (const name of Object.keys(own.components.schemas ?? {})) expect(composed.components.schemas).toHaveProperty(`${schemaPrefix[prefix]}_${name}`);
    }
    const refs = [...JSON.stringify(composed).matchAll(/"\$ref":"#\/components\/([A-Za-z]+)\/([^"]+)"/g)].map((m) => [m[1], m[2]]);
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter(([kind, name]) => !(name in (composed.components[kind] ?? {})))).toEqual([]);
    const tagNames = composed.tags.map((t) => t.name);
    expect(new Set(tagNames).size).toBe(tagNames.length);
    const operationIds = Object.values(composed.paths).flatMap((item) => METHODS.flatMap((m) => (item[m]?.operationId ? [item[m].operationId] : [])));
    expect(new Set(operationIds).size).toBe(operationIds.length);
  });

  it.each(['gateway', 'event-store', 'change-sink', 'worker'] as Prefix[])(
    'answers every operation of %s as the app does, without a key, with a tenant key and with the admin key (status and body, Authorization passed on)',
    async (prefix) => {
      const own = (await readJson(await fetch(`${APP_URL(prefix)}/docs-json`))) as Document;
      const differences: unknown[] = [];
      let compared = 0;
      for (const [path, item] of Object.entries(own.paths)) {
        for (const method of METHODS.filter((m) => item[m])) {
          for (const key of [undefined, tenant.apiKey, platform.adminKey]) {
            // A body the routes refuse or that names nothing that exists: the same answer twice, nothing created.
            const init = (): RequestInit => ({
              method: method.toUpperCase(),
              headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(method === 'get' || method === 'delete' ? {} : { 'content-type': 'application/json' }) },
              body: method === 'get' || method === 'delete' ? undefined : '{}',
            });
            const direct = await answerOf(await fetch(`${APP_URL(prefix)}${concrete(path)}`, init()));
            const through = await answerOf(await fetch(`${root}/${prefix}${concrete(path)}`, init()));
            compared++;
            // Readiness and the metrics count what was asked meanwhile: their status is compared.
            const comparable = (a: Answer) => (['/health/ready', '/metrics'].includes(path) ? { status: a.status } : a);
            if (JSON.stringify(comparable(direct)) !== JSON.stringify(comparable(through))) differences.push({ method, path, key: Boolean(key), direct, through });
          }
        }
      }
      expect(compared).toBeGreaterThan(0);
      expect(differences).toEqual([]);
    },
  );

  it("passes the app's answer to bad input on unchanged (4xx, the error contract), and stores nothing", async () => {
    const headers = { authorization: `Bearer ${tenant.apiKey}`, 'content-type': 'application/json' };
    const invalid = await fetch(`${root}/event-store/v1/streams/s-1/events`, { method: 'POST', headers, body: JSON.stringify({ events: [{ type: 'no.such.topic', data: {} }] }) });
    expect(invalid.status).toBe(400);
    expect(((await readJson(invalid)) as { error: { code: string } }).error.code).toBe('topic_unknown');
    const malformed = await fetch(`${root}/gateway/v1/apps`, { method: 'POST', headers, body: '{"name":' });
    expect(malformed.status).toBe(400);
    expect(((await readJson(malformed)) as { error: { code: string } }).error.code).toBe('invalid_json');
    const streams = await readJson(await fetch(`${platform.urls.eventStore}/v1/streams`, { headers }));
    expect(JSON.stringify(streams)).not.toContain('s-1');
    const unknownRoute = await fetch(`${root}/gateway/v9/nothing`);
    expect(unknownRoute.status).toBe(404);
    expect(((await readJson(unknownRoute)) as { error: { code: string } }).error.code).toBe('route_not_found');
  });

  it('stitches with introspection off at the apps: each publishes its schema at /docs-graphql, and the root answers a query across the three', async () => {
    const introspect = (base: string) =>
      fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: graphqlBody('{ __schema { queryType { name } } }') });
    for (const prefix of ['gateway', 'event-store', 'change-sink'] as Prefix[]) {
      const refused = (await readJson(await introspect(APP_URL(prefix)))) as { data?: unknown; errors?: { message: string }[] };
      expect({ prefix, introspection: refused.errors?.[0]?.message }).toEqual({ prefix, introspection: expect.stringContaining('introspection is not allowed') });
      const sdl = await fetch(`${APP_URL(prefix)}/docs-graphql`);
      expect({ prefix, status: sdl.status, type: sdl.headers.get('content-type') }).toEqual({ prefix, status: 200, type: expect.stringContaining('text/plain') });
      expect(await sdl.text()).toMatch(/^type Query \{/m);
    }
    // The worker serves no GraphQL, so no schema either.
    expect((await fetch(`${APP_URL('worker')}/docs-graphql`)).status).toBe(404);
    const three = (await readJson(
      await fetch(`${root}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.apiKey}` },
        body: graphqlBody('{ myTenant { name } streams { streams { streamId } } viewer { tenantId } }'),
      }),
    )) as { data: { myTenant: { name: string }; viewer: { tenantId: string } } };
    expect(three.data.myTenant.name).toBe('api-root');
    expect(three.data.viewer.tenantId).toBe(tenant.id);
  });

  it("gives through the stitched schema each app's data and errors, with the caller's key, and keeps tenants apart", async () => {
    const cases: { app: Prefix; query: string; variables?: Record<string, unknown> }[] = [
      { app: 'gateway', query: '{ myTenant { id name } }' },
      { app: 'gateway', query: 'mutation ($name: String!) { createApp(input: { name: $name }) { name } }', variables: { name: 'stitched-app' } },
      { app: 'gateway', query: `{ app(id: "${UNKNOWN_ID}") { id } }` },
      { app: 'event-store', query: '{ streams { streams { streamId } } }' },
      { app: 'event-store', query: 'mutation { appendToStream(streamId: "s-2", events: [{ type: "no.such.topic", data: {} }]) { eventId } }' },
      { app: 'change-sink', query: '{ viewer { tenantId } }' },
    ];
    for (const { app, query, variables } of cases) {
      for (const key of [tenant.apiKey, undefined]) {
        const init = () => ({ method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) }, body: graphqlBody(query, variables) });
        // A mutation runs once, through the root; its twin is the same query to the app for the same answer shape.
        const through = (await readJson(await fetch(`${root}/graphql`, init()))) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
        const direct = (await readJson(await fetch(`${APP_URL(app)}/graphql`, init()))) as typeof through;
        const codes = (r: typeof through) => (r.errors ?? []).map((e) => [e.message, e.extensions?.code]);
        expect({ app, query, key: Boolean(key), codes: codes(through) }).toEqual({ app, query, key: Boolean(key), codes: codes(direct) });
        if (!query.startsWith('mutation')) expect({ query, data: through.data ?? null }).toEqual({ query, data: direct.data ?? null });
      }
    }
    const mine = (await readJson(
      await fetch(`${root}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${other.apiKey}` }, body: graphqlBody('{ apps { name } }') }),
    )) as { data: { apps: { name: string }[] } };
    expect(JSON.stringify(mine)).not.toContain('stitched-app');
  });

  it('refuses a malformed or invalid GraphQL request with Apollo’s codes', async () => {
    const post = (body: string) => fetch(`${root}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const parseFailed = await post(graphqlBody('{ myTenant {'));
    expect(parseFailed.status).toBe(400);
    expect(((await readJson(parseFailed)) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    const unknownField = await post(graphqlBody('{ noSuchField }'));
    expect(unknownField.status).toBe(400);
    expect(((await readJson(unknownField)) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const noQuery = await post('{}');
    expect(noQuery.status).toBe(400);
    const notJson = await post('{"query":');
    expect(notJson.status).toBe(400);
    expect(((await readJson(notJson)) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it("receives a change through the root's graphql-ws, with the client's connection params, and refuses a connection the change-sink refuses", async () => {
    const ws = `${root.replace(/^http/, 'ws')}/graphql`;
    const updates = subscribe<{ trackingId: string; status: string }>(ws, tenant.apiKey, 'subscription { packageUpdated { trackingId status } }');
    const others = subscribe<{ trackingId: string }>(ws, other.apiKey, 'subscription { packageUpdated { trackingId } }');
    // The subscription's arguments go through as the client wrote them: trackingUrl in the client's locale.
    const localized = subscribe<{ trackingId: string; trackingUrl: string }>(ws, tenant.apiKey, 'subscription { packageUpdated(locale: "fr-CA") { trackingId trackingUrl } }');
    try {
      await Promise.all([updates.connected, others.connected, localized.connected]);
      const trackingId = 'ROOT-1';
      // graphql-ws does not acknowledge a subscription: appended again until the first change arrives.
      await eventually(
        async () => {
          await fetch(`${root}/event-store/v1/streams/tracking-${trackingId}/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${tenant.apiKey}`, 'content-type': 'application/json' },
            body: JSON.stringify({ events: [{ type: 'tracking.package.updated', data: { trackingId, carrier: 'dhl', status: 'in_transit', carrierStatus: 'in_transit', occurredAt: new Date().toISOString() } }] }),
          });
          return updates.received;
        },
        (received) => received.some((u) => u.trackingId === trackingId),
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      expect(others.received).toEqual([]);
      const inFrench = (await eventually(async () => localized.received, (received) => received.some((u) => u.trackingId === trackingId))).find((u) => u.trackingId === trackingId);
      expect(inFrench).toEqual({ trackingId, trackingUrl: `https://www.dhl.com/ca-fr/home/tracking/tracking-parcel.html?submit=1&tracking-id=${trackingId}` });
    } finally {
      await updates.close();
      await others.close();
      await localized.close();
    }
    const badLocale = subscribe(ws, tenant.apiKey, 'subscription { packageUpdated(locale: "deutsch") { trackingId } }');
    expect(await badLocale.failed).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'locale_invalid' }) })]);
    await badLocale.close();
    const refused = subscribe(ws, 'trb_notakey_0000', 'subscription { packageUpdated { trackingId } }');
    expect(((await refused.failed) as { code?: number }).code).toBe(4403);
    await refused.close();
  });

  describe('with the schemas read from <APP>_DOCS_URL (the internal ports in containers) and GRAPHQL_INTROSPECTION=false (as deployed)', () => {
    let docs: Server;
    const sdlRequests: string[] = [];
    /** The apps whose SDL the stand-in serves (the event store's only once the test says so). */
    const serving = new Set<string>(['gateway', 'change-sink']);
    let rootApp: INestApplication;
    let docsRoot: string;

    beforeAll(async () => {
      // Stands in for the apps' internal ports: serves each app's /docs-graphql under /<app>/, counting requests.
      docs = createServer((request, response) => {
        sdlRequests.push(request.url ?? '');
        const [, prefix, ...rest] = (request.url ?? '').split('/');
        const upstream = { gateway: platform.urls.gateway, 'event-store': platform.urls.eventStore, 'change-sink': platform.urls.changeSink }[prefix!];
        if (!upstream || !serving.has(prefix!)) return void response.writeHead(404).end();
        fetch(`${upstream}/${rest.join('/')}`).then(
          async (answer) => void response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' }).end(await answer.text()),
          () => void response.writeHead(502).end(),
        );
      });
      await new Promise<void>((resolve) => docs.listen(0, '127.0.0.1', resolve));
      const docsUrl = `http://127.0.0.1:${(docs.address() as AddressInfo).port}`;
      rootApp = await createApiRootApp(
        loadApiRootConfig({
          PORT: '0',
          GATEWAY_URL: platform.urls.gateway,
          EVENT_STORE_URL: platform.urls.eventStore,
          CHANGE_SINK_URL: platform.urls.changeSink,
          WORKER_URL: platform.urls.worker,
          GATEWAY_DOCS_URL: `${docsUrl}/gateway`,
          EVENT_STORE_DOCS_URL: `${docsUrl}/event-store`,
          CHANGE_SINK_DOCS_URL: `${docsUrl}/change-sink`,
          GRAPHQL_INTROSPECTION: 'false',
          LOG_LEVEL: 'silent',
        }),
      );
      await rootApp.listen(0, '127.0.0.1');
      docsRoot = `http://127.0.0.1:${((rootApp.getHttpServer() as Server).address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      await rootApp?.close();
      docs?.closeAllConnections();
      await new Promise((resolve) => docs?.close(resolve));
    });

    it("reads each app's SDL at <APP>_DOCS_URL/docs-graphql; one it cannot read is 502 app_unreachable naming the route, tried again on the next request, then kept", async () => {
      const post = () =>
        fetch(`${docsRoot}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.apiKey}` }, body: graphqlBody('{ myTenant { name } }') });
      const failed = await post();
      expect(failed.status).toBe(502);
      const body = (await readJson(failed)) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors[0]).toMatchObject({ message: "The event-store app's GraphQL schema could not be read: GET /docs-graphql answered 404", extensions: { code: 'app_unreachable' } });
      expect(sdlRequests.slice().sort()).toEqual(['/change-sink/docs-graphql', '/event-store/docs-graphql', '/gateway/docs-graphql']);
      serving.add('event-store');
      const answered = await post();
      expect(answered.status).toBe(200);
      expect(await readJson(answered)).toEqual({ data: { myTenant: { name: 'api-root' } } });
      expect(sdlRequests).toHaveLength(6);
      await post();
      expect(sdlRequests).toHaveLength(6);
    });

    it('refuses introspection over HTTP and graphql-ws, as the apps do in production, and answers __typename and queries', async () => {
      const post = (base: string, query: string) =>
        fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.apiKey}` }, body: graphqlBody(query) });
      for (const query of ['{ __schema { queryType { name } } }', '{ __type(name: "Query") { name } }', '{ myTenant { name } __schema { types { name } } }']) {
        const refused = await post(docsRoot, query);
        expect({ query, status: refused.status }).toEqual({ query, status: 400 });
        const body = (await readJson(refused)) as { errors: { message: string; extensions: { code: string } }[] };
        expect(body.errors[0]).toMatchObject({ message: expect.stringContaining('introspection has been disabled'), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
      }
      expect(await readJson(await post(docsRoot, '{ __typename myTenant { name } }'))).toEqual({ data: { __typename: 'Query', myTenant: { name: 'api-root' } } });
      const overWs = subscribe(`${docsRoot.replace(/^http/, 'ws')}/graphql`, tenant.apiKey, '{ __schema { queryType { name } } }');
      try {
        expect(JSON.stringify(await overWs.failed)).toContain('introspection has been disabled');
        expect(overWs.received).toEqual([]);
      } finally {
        await overWs.close();
      }
      // The default (npm start, the standalone process): answered.
      expect(await readJson(await post(root, '{ __schema { queryType { name } } }'))).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    });
  });

  describe('with an app down', () => {
    let proxies: Record<Prefix, TcpProxy>;
    let rootApp: INestApplication;
    let downRoot: string;

    beforeAll(async () => {
      const via = async (url: string) => startTcpProxy('127.0.0.1', Number(new URL(url).port));
      proxies = { gateway: await via(platform.urls.gateway), 'event-store': await via(platform.urls.eventStore), 'change-sink': await via(platform.urls.changeSink), worker: await via(platform.urls.worker) };
      const url = (prefix: Prefix) => `http://127.0.0.1:${proxies[prefix].port}`;
      rootApp = await createApiRootApp(
        loadApiRootConfig({ PORT: '0', GATEWAY_URL: url('gateway'), EVENT_STORE_URL: url('event-store'), CHANGE_SINK_URL: url('change-sink'), WORKER_URL: url('worker'), LOG_LEVEL: 'silent' }),
      );
      await rootApp.listen(0, '127.0.0.1');
      downRoot = `http://127.0.0.1:${((rootApp.getHttpServer() as Server).address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      await rootApp?.close();
      for (const proxy of Object.values(proxies ?? {})) await proxy.close();
    });

    it('answers 502 app_unreachable in the error contract for its paths and fields, and the other apps as before', async () => {
      const headers = { authorization: `Bearer ${tenant.apiKey}`, 'content-type': 'application/json' };
      const query = () => fetch(`${downRoot}/graphql`, { method: 'POST', headers, body: graphqlBody('{ streams { streams { streamId } } }') });
      expect((await fetch(`${downRoot}/event-store/v1/streams`, { headers })).status).toBe(200);
      expect((await query()).status).toBe(200);
      proxies['event-store'].cut();
      try {
        const rest = await fetch(`${downRoot}/event-store/v1/streams`, { headers });
        expect(rest.status).toBe(502);
        const body = (await readJson(rest)) as { error: { code: string; message: string }; traceId: string };
        expect(body.error.code).toBe('app_unreachable');
        expect(body.traceId).toMatch(/^[0-9a-f]{32}$/);
        const graphql = await query();
        expect(graphql.status).toBe(502);
        expect(((await readJson(graphql)) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('app_unreachable');
        expect((await fetch(`${downRoot}/gateway/v1/tenant`, { headers })).status).toBe((await fetch(`${platform.urls.gateway}/v1/tenant`, { headers })).status);
        expect((await fetch(`${downRoot}/health/ready`)).status).toBe(503);
      } finally {
        proxies['event-store'].restore();
      }
    });
  });
});
