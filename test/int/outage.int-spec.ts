import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import {
  connectSocket,
  createTestDatabase,
  eventually,
  LogCapture,
  sendStandardWebhook,
  startTcpProxy,
  type TcpProxy,
  type TestDatabase,
} from '@tributary/testing';
import { startPlatform, type RunningPlatform } from '../../apps/standalone/src/platform.js';
import { loadStandaloneConfig } from '../../apps/standalone/src/standalone.config.js';
import { startGateway, type RunningGateway } from '../support/gateway-harness.js';
import type { Json } from '../support/json.js';

/**
 * A database outage answered as one: the four apps reach PostgreSQL through a TCP proxy that the
 * test cuts (every connection reset, new ones refused) and restores — the shared server is never
 * stopped. While it is cut, every interface says "unavailable, retry" (503 + Retry-After over HTTP,
 * the code `unavailable` over GraphQL, close 1013 over graphql-ws, `error` { code: 503 } over
 * socket.io), never 401 or 500; a missing credential is still 401; afterwards everything works again.
 */
describe('a database outage answers 503 unavailable on every interface, and the platform recovers', () => {
  let home: string;
  let database: TestDatabase;
  let proxy: TcpProxy;
  let platform: RunningPlatform;
  let logged: RunningGateway;
  const logs = new LogCapture();
  let tenant: { id: string; apiKey: string };
  let webhook: { url: string; secret: string };

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'tributary-outage-'));
    database = await createTestDatabase();
    const server = new URL(database.url);
    proxy = await startTcpProxy(server.hostname, Number(server.port || 5432));
    const url = proxy.via(database.url);
    platform = await startPlatform(
      loadStandaloneConfig({ TRIBUTARY_HOME: home, DATABASE_URL: url, GATEWAY_PORT: '0', EVENT_STORE_PORT: '0', CHANGE_SINK_PORT: '0', WORKER_PORT: '0', LOG_LEVEL: 'silent' }),
    );
    // A second gateway replica whose log lines the test reads.
    logged = await startGateway(url, logs);
    const admin = { authorization: `Bearer ${platform.adminKey}`, 'content-type': 'application/json' };
    tenant = (await (await fetch(`${platform.urls.gateway}/v1/tenants`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'outage' }) })).json()) as typeof tenant;
    webhook = (await (
      await fetch(`${platform.urls.gateway}/v1/tenants/${tenant.id}/webhooks`, { method: 'POST', headers: admin, body: JSON.stringify({ topic: 'tracking.carrier-update.received' }) })
    ).json()) as typeof webhook;
  });

  afterAll(async () => {
    proxy?.restore();
    await logged?.close();
    await platform?.stop();
    await proxy?.close();
    await database?.drop();
    rmSync(home, { recursive: true, force: true });
  });

  const delivery = (trackingId: string) => ({ trackingId, carrier: 'DHL', status: 'In Transit', occurredAt: '2026-12-06T10:00:00Z' });
  const unavailableBody = { error: { code: 'unavailable', message: expect.any(String) }, traceId: expect.stringMatching(/^[0-9a-f]{32}$/) };

  const call = async (url: string, key?: string, init: RequestInit = {}) => {
    const response = await fetch(url, { ...init, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'application/json', ...init.headers } });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), traceId: response.headers.get('x-trace-id'), body: (await response.json()) as Json };
  };
  const graphql = (url: string, key: string, query: string) => call(url, key, { method: 'POST', body: JSON.stringify({ query }) });

  /** How a graphql-ws connection with `key` ends: the close code, or 'open' once the server acknowledged it (graphql-transport-ws spoken by hand). */
  const graphqlWsOutcome = (url: string, key: string) =>
    new Promise<number | 'open'>((resolve, reject) => {
      const socket = new WebSocket(url, 'graphql-transport-ws');
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${key}` } })));
      socket.on('message', (data) => {
        if ((JSON.parse(String(data)) as { type: string }).type !== 'connection_ack') return;
        resolve('open');
        socket.close();
      });
      socket.on('close', (code) => resolve(code));
      socket.on('error', reject);
    });

  it('works before the outage', async () => {
    expect((await sendStandardWebhook(webhook.url, webhook.secret, delivery('BEFORE-1'))).status).toBe(202);
    expect(await graphqlWsOutcome(platform.urls.graphqlWs, tenant.apiKey)).toBe('open');
  });

  describe('while PostgreSQL is unreachable', () => {
    beforeAll(() => proxy.cut());

    it('the webhook ingress answers 503 unavailable with Retry-After, and logs it with the trace id', async () => {
      const loggedUrl = webhook.url.replace(platform.urls.gateway, logged.base);
      for (const url of [webhook.url, loggedUrl]) {
        const response = await sendStandardWebhook(url, webhook.secret, delivery('DURING-1'));
        const body = await response.json();
        expect({ status: response.status, body, retryAfter: response.headers.get('retry-after') }).toEqual({ status: 503, body: unavailableBody, retryAfter: '5' });
        expect((body as { traceId: string }).traceId).toBe(response.headers.get('x-trace-id'));
        if (url === loggedUrl) {
          const lines = logs.records().filter((r) => r.traceId === (body as { traceId: string }).traceId);
          expect(lines.map((r) => r.msg)).toEqual(expect.arrayContaining(['dependency unavailable', 'delivery failed']));
        }
      }
    });

    it.each([
      ['gateway', '/v1/tenants', 'admin'],
      ['gateway', '/v1/webhooks', 'tenant'],
      ['event-store', '/v1/packages', 'tenant'],
      ['event-store', '/v1/streams', 'tenant'],
      ['integration-worker', '/v1/dead-letters', 'admin'],
    ])('%s GET %s answers 503 unavailable with Retry-After', async (app, path, who) => {
      const base = { gateway: platform.urls.gateway, 'event-store': platform.urls.eventStore, 'integration-worker': platform.urls.worker }[app]!;
      const answer = await call(`${base}${path}`, who === 'admin' ? platform.adminKey : tenant.apiKey);
      expect(answer).toEqual({ status: 503, retryAfter: '5', traceId: answer.body.traceId, body: unavailableBody });
    });

    it('event-store POST /v1/streams/:id/events (an append) answers 503 unavailable', async () => {
      const body = JSON.stringify({ events: [{ type: 'order.placed', data: { total: 1 } }] });
      const answer = await call(`${platform.urls.eventStore}/v1/streams/order-1/events`, tenant.apiKey, { method: 'POST', body });
      expect({ status: answer.status, body: answer.body, retryAfter: answer.retryAfter }).toEqual({ status: 503, body: unavailableBody, retryAfter: '5' });
    });

    it('a request without a credential is still 401: only a wrong or missing credential is', async () => {
      const answer = await call(`${platform.urls.gateway}/v1/tenants`);
      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe('unauthenticated');
    });

    it.each([
      ['gateway /graphql', () => platform.urls.gateway + '/graphql', 'tenant', '{ myTenant { id } }'],
      ['gateway /ui/graphql (operator)', () => platform.urls.gateway + '/ui/graphql', 'admin', '{ __typename }'],
      ['event-store /graphql', () => platform.urls.eventStore + '/graphql', 'tenant', '{ streams(first: 5) { next } }'],
      ['change-sink /graphql', () => platform.urls.changeSink + '/graphql', 'tenant', '{ __typename }'],
    ])('%s answers the GraphQL error unavailable (HTTP 503, Retry-After), not unauthenticated', async (_, url, who, query) => {
      const answer = await graphql(url(), who === 'admin' ? platform.adminKey : tenant.apiKey, query);
      expect({ status: answer.status, retryAfter: answer.retryAfter, errors: answer.body.errors }).toEqual({
        status: 503,
        retryAfter: '5',
        errors: [expect.objectContaining({ extensions: { code: 'unavailable', status: 503 } })],
      });
    });

    it('graphql-ws connections are closed with 1013 (try again later), not 4403', async () => {
      expect(await graphqlWsOutcome(platform.urls.graphqlWs, tenant.apiKey)).toBe(1013);
      expect(await graphqlWsOutcome(`${platform.urls.gateway.replace(/^http/, 'ws')}/ui/graphql`, platform.adminKey)).toBe(1013);
    });

    it('a socket.io client gets error { code: 503 }, not 401', async () => {
      const client = connectSocket(platform.urls.changeSink, { token: tenant.apiKey });
      await expect(client.ready).rejects.toMatchObject({ code: 503 });
      client.close();
    });
  });

  describe('once PostgreSQL is reachable again', () => {
    beforeAll(() => proxy.restore());

    it('every interface works again by itself', async () => {
      await eventually(
        async () => (await sendStandardWebhook(webhook.url, webhook.secret, delivery('AFTER-1'))).status,
        (status) => status === 202,
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      expect((await call(`${platform.urls.eventStore}/v1/streams`, tenant.apiKey)).status).toBe(200);
      expect((await call(`${platform.urls.worker}/v1/dead-letters`, platform.adminKey)).status).toBe(200);
      expect((await graphql(`${platform.urls.gateway}/graphql`, tenant.apiKey, '{ myTenant { id } }')).body).toEqual({ data: { myTenant: { id: tenant.id } } });
      expect(await graphqlWsOutcome(platform.urls.graphqlWs, tenant.apiKey)).toBe('open');
      const client = connectSocket(platform.urls.changeSink, { token: tenant.apiKey });
      await expect(client.ready).resolves.toMatchObject({ code: 200 });
      client.close();
    });

    it('the delivery accepted before the outage and the one after reach the projection', async () => {
      await eventually(
        async () => (await call(`${platform.urls.eventStore}/v1/packages`, tenant.apiKey)).body,
        (body: { packages?: { trackingId: string }[] }) => ["BEFORE-1", "AFTER-1"].every((id) => body.packages?.some((p) => p.trackingId === id)),
        { timeoutMs: 60_000, intervalMs: 250 },
      );
    });
  });
});
