import { connect } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { freePort } from '@tributary/database';
import { listenApp } from '@tributary/edge';
import { createTestDatabase, LogCapture, testSecrets, type TestDatabase } from '@tributary/testing';
import { createGatewayApp, ensureAdminKey } from '../../apps/gateway/src/gateway.app.js';
import { loadGatewayConfig } from '../../apps/gateway/src/gateway.config.js';

/** Every spelling of an operator route that Express (or swagger-ui's static files) would serve. */
const OPERATOR_PATHS = [
  '/metrics',
  '/metrics/',
  '/METRICS',
  '/Metrics?name=x',
  '//metrics',
  '/%6Detrics',
  '/docs',
  '/docs/',
  '/DOCS',
  '/docs/index.html',
  '/docs/swagger-ui-init.js',
  '/docs/swagger-ui.css',
  '/docs/%73wagger-ui.css',
  '/docs-json',
  '/DOCS-JSON',
  '/docs-json/',
  '/docs-yaml',
  '/docs-graphql',
  '/DOCS-GRAPHQL',
  '/docs-graphql/',
  '//docs-graphql',
  '/%64ocs-graphql',
];

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

const get = async (base: string, path: string, init: RequestInit = {}): Promise<Answer> => {
  const response = await fetch(`${base}${path}`, init);
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
};

/** Nest's answer for a route it does not have, in the platform's error format. */
const notFound = (method: string, path: string) => ({
  status: 404,
  body: { error: { code: 'route_not_found', message: `Cannot ${method} ${path}` }, traceId: expect.stringMatching(/^[0-9a-f]{32}$/) },
});
const asError = (answer: Answer) => ({ status: answer.status, body: JSON.parse(answer.text) as unknown });

const refusesConnections = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

/**
 * INTERNAL_PORT through the real gateway (the app whose server answers webhook deliveries before
 * Express): `/metrics`, the OpenAPI document and UI and the GraphQL SDL answer on the internal port only, the public port
 * answers them as routes it does not have — every spelling — and keeps serving everything else;
 * without INTERNAL_PORT (the standalone runner's case) both stay on the public port.
 */
describe('INTERNAL_PORT: the operator routes off the public port', () => {
  let db: TestDatabase;
  const secrets = testSecrets();
  const started: INestApplication[] = [];

  const start = async (env: Record<string, string>) => {
    const port = await freePort();
    const config = loadGatewayConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent', PUBLIC_URL: `http://127.0.0.1:${port}`, ...secrets, ...env });
    const app = await createGatewayApp(config, { logDestination: new LogCapture() });
    started.push(app);
    await listenApp(app, port, '127.0.0.1');
    const { key } = await ensureAdminKey(app);
    return { app, port, base: `http://127.0.0.1:${port}`, adminKey: key };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    for (const app of started) await app.close().catch(() => undefined);
    await db?.drop();
  });

  describe('with INTERNAL_PORT set', () => {
    let gateway: Awaited<ReturnType<typeof start>>;
    let internalPort: number;
    let internal: string;

    beforeAll(async () => {
      internalPort = await freePort();
      gateway = await start({ INTERNAL_PORT: String(internalPort) });
      internal = `http://127.0.0.1:${internalPort}`;
    });

    it('serves the metrics, the OpenAPI document and its UI, and the GraphQL SDL on the internal port', async () => {
      // A request on the public port is counted in the metrics the internal port serves.
      expect((await get(gateway.base, '/health/live')).status).toBe(200);
      const metrics = await get(internal, '/metrics');
      expect(metrics).toMatchObject({ status: 200, contentType: expect.stringContaining('text/plain') });
      expect(metrics.text).toContain('tributary_http_requests_total{method="GET",route="/health/live",status="200",app="gateway"}');

      const json = await get(internal, '/docs-json');
      expect(json.status).toBe(200);
      const openapi = JSON.parse(json.text) as { info: { title: string }; paths: Record<string, unknown> };
      expect(openapi.info.title).toBe('Tributary gateway');
      expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/metrics', '/v1/tenants']));
      expect(await get(internal, '/docs-yaml')).toMatchObject({ status: 200, text: expect.stringContaining('Tributary gateway') });
      expect(await get(internal, '/docs')).toMatchObject({ status: 200, contentType: expect.stringContaining('text/html'), text: expect.stringContaining('swagger-ui') });
      expect(await get(internal, '/docs/swagger-ui-init.js')).toMatchObject({ status: 200, text: expect.stringContaining('/v1/tenants') });
      expect((await get(internal, '/docs/swagger-ui.css')).status).toBe(200);
      // The management API's GraphQL schema in SDL (the composed API stitches from it), not the operator page's.
      const sdl = await get(internal, '/docs-graphql');
      expect(sdl).toMatchObject({ status: 200, contentType: expect.stringContaining('text/plain') });
      expect(sdl.text).toMatch(/^type Query \{[^}]*\bmyTenant\b/m);
      expect(sdl.text).not.toContain('operatorOverview');
    });

    it.each(OPERATOR_PATHS)('answers %s on the public port as a route it does not have', async (path) => {
      const answer = await get(gateway.base, path);
      expect(asError(answer)).toEqual(notFound('GET', path));
    });

    it('answers them on the public port exactly as a route that does not exist, with a key or without', async () => {
      const unknown = asError(await get(gateway.base, '/no-such-route'));
      expect(unknown).toEqual(notFound('GET', '/no-such-route'));
      const withKey = { headers: { authorization: `Bearer ${gateway.adminKey}` } };
      expect(asError(await get(gateway.base, '/metrics', withKey))).toEqual(notFound('GET', '/metrics'));
      expect(asError(await get(gateway.base, '/metrics', { method: 'POST', ...withKey }))).toEqual(notFound('POST', '/metrics'));
      expect((await fetch(`${gateway.base}/docs-json`, { method: 'HEAD' })).status).toBe(404);
    });

    it('keeps serving everything else on the public port', async () => {
      expect(await get(gateway.base, '/health/ready')).toMatchObject({ status: 200 });
      const tenants = await get(gateway.base, '/v1/tenants', { headers: { authorization: `Bearer ${gateway.adminKey}` } });
      expect(tenants.status).toBe(200);
      // The delivery path (answered before Express) still answers in the error contract.
      const delivery = await fetch(`${gateway.base}/webhooks/wh_nope`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      expect(delivery.status).toBe(404);
      expect(await delivery.json()).toMatchObject({ error: { code: expect.any(String) } });
    });

    it('serves nothing else on the internal port', async () => {
      for (const path of ['/health/live', '/v1/tenants', '/graphql', '/ui', '/webhooks/wh_nope', '/metricsx', '/documents']) {
        expect(asError(await get(internal, path))).toEqual(notFound('GET', path));
      }
      const post = await fetch(`${internal}/webhooks/wh_nope`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      expect({ status: post.status, body: await post.json() }).toEqual(notFound('POST', '/webhooks/wh_nope'));
    });

    it('closes the internal port with the app', async () => {
      expect(await refusesConnections(internalPort)).toBe(false);
      await gateway.app.close();
      expect(await refusesConnections(internalPort)).toBe(true);
      expect(await refusesConnections(gateway.port)).toBe(true);
    });
  });

  it('refuses an INTERNAL_PORT equal to PORT, naming the variable', () => {
    expect(() => loadGatewayConfig({ DATABASE_URL: db.url, ...secrets, PORT: '3000', INTERNAL_PORT: '3000' })).toThrow(/INTERNAL_PORT: INTERNAL_PORT must differ from PORT/);
  });

  it('fails start-up when the internal port is taken, before the public port listens', async () => {
    const taken = await start({});
    const port = await freePort();
    const config = loadGatewayConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent', ...secrets, INTERNAL_PORT: String(taken.port) });
    const app = await createGatewayApp(config, { logDestination: new LogCapture() });
    started.push(app);
    await expect(listenApp(app, port, '127.0.0.1')).rejects.toThrow(/EADDRINUSE/);
    expect(await refusesConnections(port)).toBe(true);
  });

  it('serves everything on the public port without INTERNAL_PORT (the default, and npm start)', async () => {
    const gateway = await start({});
    expect((await get(gateway.base, '/health/live')).status).toBe(200);
    expect(await get(gateway.base, '/metrics')).toMatchObject({ status: 200, text: expect.stringContaining('app="gateway"') });
    expect(await get(gateway.base, '/docs')).toMatchObject({ status: 200, text: expect.stringContaining('swagger-ui') });
    expect(JSON.parse((await get(gateway.base, '/docs-json')).text)).toMatchObject({ info: { title: 'Tributary gateway' } });
    expect((await get(gateway.base, '/docs-yaml')).status).toBe(200);
    expect(await get(gateway.base, '/docs-graphql')).toMatchObject({ status: 200, text: expect.stringContaining('type Query') });
  });
});
