import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  createTestDatabase,
  eventually,
  readJson,
  sendStandardWebhook,
  subscribe,
  type Subscription,
  type TestDatabase,
} from '@tributary/testing';
import { startPlatform, type RunningPlatform } from '../../apps/standalone/src/platform.js';
import { loadStandaloneConfig } from '../../apps/standalone/src/standalone.config.js';
import { createTenantWithWebhook } from '../support/tenant-fixture.js';

interface PackageUpdate {
  trackingId: string;
  status: string;
  carrier: string;
  carrierStatus: string;
  updatedAt: string;
  eventId: string;
  cursor: string;
}

const PACKAGE_UPDATED = `subscription ($trackingId: String, $after: String) {
  packageUpdated(trackingId: $trackingId, after: $after) { trackingId status carrier carrierStatus updatedAt eventId cursor }
}`;

const modes: Array<['embedded PGlite' | 'PostgreSQL server', boolean]> = [
  ['embedded PGlite', false],
  ['PostgreSQL server', true],
];

describe.each(modes)('webhook → worker → event store → subscription (%s)', (_, useServer) => {
  let home: string;
  let database: TestDatabase | undefined;
  let platform: RunningPlatform;
  let db: pg.Client;
  const subscriptions: Subscription<unknown>[] = [];

  const newTenant = (name: string) => createTenantWithWebhook(platform.urls.gateway, platform.adminKey, name);

  const watch = async (apiKey: string, trackingId?: string, after?: string) => {
    const sub = subscribe<PackageUpdate>(platform.urls.graphqlWs, apiKey, PACKAGE_UPDATED, { trackingId, after }, 'packageUpdated');
    subscriptions.push(sub);
    await sub.connected;
    return sub;
  };

  const count = async (sql: string, params: unknown[] = []) => Number((await db.query(sql, params)).rows[0].n);

  const update = (trackingId: string, status = 'In Transit', occurredAt = new Date().toISOString()) => ({
    trackingId,
    carrier: 'DHL',
    status,
    occurredAt,
  });

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'tributary-e2e-'));
    database = useServer ? await createTestDatabase() : undefined;
    platform = await startPlatform(
      loadStandaloneConfig({
        TRIBUTARY_HOME: home,
        DATABASE_URL: database?.url,
        GATEWAY_PORT: '0',
        EVENT_STORE_PORT: '0',
        CHANGE_SINK_PORT: '0',
        WORKER_PORT: '0',
        LOG_LEVEL: 'silent',
      }),
    );
    db = new pg.Client({ connectionString: platform.databaseUrl });
    await db.connect();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(subscriptions.map((s) => s.close()));
    await db?.end();
    await platform?.stop();
    await database?.drop();
    rmSync(home, { recursive: true, force: true });
  });

  it('pushes a signed carrier update to the tenant’s subscriber, and to no other tenant', async () => {
    const acme = await newTenant('acme');
    const globex = await newTenant('globex');
    const acmeAll = await watch(acme.apiKey);
    const acmeOne = await watch(acme.apiKey, 'PKG-OTHER');
    const globexAll = await watch(globex.apiKey);

    const response = await sendStandardWebhook(acme.webhook.url, acme.webhook.secret, update('PKG-1', 'Out for delivery'));
    expect(response.status).toBe(202);

    const [pushed] = await eventually(async () => acmeAll.received, (r) => r.length === 1);
    expect(pushed).toEqual({
      trackingId: 'PKG-1',
      status: 'out_for_delivery',
      carrier: 'dhl',
      carrierStatus: 'Out for delivery',
      updatedAt: expect.any(String),
      eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      cursor: expect.stringMatching(/^\d+\.\d+$/),
    });
    expect(globexAll.received).toEqual([]);
    expect(acmeOne.received).toEqual([]);

    // globex's own update reaches globex only
    await sendStandardWebhook(globex.webhook.url, globex.webhook.secret, update('PKG-1', 'Delivered'));
    await eventually(async () => globexAll.received, (r) => r.length === 1);
    expect(globexAll.received[0]).toMatchObject({ trackingId: 'PKG-1', status: 'delivered' });
    expect(acmeAll.received).toHaveLength(1);
  });

  it('turns one delivery sent three times into one event, one projection update and one push', async () => {
    const tenant = await newTenant('initech');
    const sub = await watch(tenant.apiKey);
    const payload = update('PKG-TWICE');
    const answers = [];
    for (let i = 0; i < 3; i++) {
      answers.push(await readJson(await sendStandardWebhook(tenant.webhook.url, tenant.webhook.secret, payload, { id: 'msg_same' })));
    }
    expect(new Set(answers.map((a) => a.eventId)).size).toBe(1);

    // A later delivery is a barrier: once it is pushed, everything before it has been processed.
    await sendStandardWebhook(tenant.webhook.url, tenant.webhook.secret, update('PKG-BARRIER'));
    await eventually(async () => sub.received, (r) => r.some((u) => u.trackingId === 'PKG-BARRIER'));

    expect(sub.received.filter((u) => u.trackingId === 'PKG-TWICE')).toHaveLength(1);
    const stream = [tenant.id, 'tracking-PKG-TWICE'];
    // The stream also gets the package's state change, from the worker's state machine (on its own time).
    await eventually(
      () => count(`SELECT count(*) AS n FROM event_store.events WHERE tenant_id = $1 AND stream_id = $2 AND type = 'tracking.package.state-changed'`, stream),
      (n) => n === 1,
      { timeoutMs: 30_000 },
    );
    expect(await count(`SELECT count(*) AS n FROM event_store.events WHERE tenant_id = $1 AND stream_id = $2`, stream)).toBe(3);
    expect(
      await count(`SELECT count(*) AS n FROM event_store.events WHERE tenant_id = $1 AND stream_id = $2 AND type = 'tracking.carrier-update.received'`, stream),
    ).toBe(1);
    expect(
      await count(`SELECT count(*) AS n FROM change_sink.changes WHERE tenant_id = $1 AND row->>'tracking_id' = 'PKG-TWICE'`, [tenant.id]),
    ).toBe(1);
  });

  it('rejects bad deliveries with the right status and stores nothing', async () => {
    const tenant = await newTenant('hooli');
    const before = await count(`SELECT count(*) AS n FROM event_store.events WHERE tenant_id = $1`, [tenant.id]);
    const cases: Array<[Promise<Response>, number, string]> = [
      [sendStandardWebhook(tenant.webhook.url, 'whsec_' + Buffer.alloc(24, 7).toString('base64'), update('PKG-BAD')), 401, 'signature_invalid'],
      [sendStandardWebhook(tenant.webhook.url, tenant.webhook.secret, update('PKG-BAD'), { timestamp: Math.floor(Date.now() / 1000) - 3600 }), 401, 'timestamp_invalid'],
      [sendStandardWebhook(`${platform.urls.gateway}/webhooks/0190f3b4-0000-7000-8000-000000000000`, tenant.webhook.secret, update('PKG-BAD')), 404, 'webhook_not_found'],
      [sendStandardWebhook(tenant.webhook.url, tenant.webhook.secret, '{"trackingId":'), 400, 'invalid_json'],
    ];
    for (const [sent, status, code] of cases) {
      const response = await sent;
      expect({ status: response.status, body: await readJson(response) }).toEqual({
        status,
        body: { error: { code, message: expect.any(String) }, traceId: response.headers.get('x-trace-id') },
      });
    }
    const sub = await watch(tenant.apiKey);
    await sendStandardWebhook(tenant.webhook.url, tenant.webhook.secret, update('PKG-GOOD'));
    await eventually(async () => sub.received, (r) => r.length === 1);
    // PKG-GOOD's carrier update, package update and state change; nothing of PKG-BAD.
    await eventually(() => count(`SELECT count(*) AS n FROM event_store.events WHERE tenant_id = $1`, [tenant.id]), (n) => n >= before + 3, { timeoutMs: 30_000 });
    expect(await count(`SELECT count(*) AS n FROM event_store.events WHERE tenant_id = $1`, [tenant.id])).toBe(before + 3);
    expect(await count(`SELECT count(*) AS n FROM messaging.messages WHERE envelope->'data'->>'trackingId' = 'PKG-BAD'`)).toBe(0);
  });

  it('resumes after a cursor: what was missed while away first, in order, then live updates', async () => {
    const tenant = await newTenant('umbrella');
    const first = await watch(tenant.apiKey, 'PKG-R');
    await sendStandardWebhook(tenant.webhook.url, tenant.webhook.secret, update('PKG-R', 'Picked up', '2026-11-23T08:00:00Z'));
    const [seen] = await eventually(async () => first.received, (r) => r.length === 1);
    await first.close();

    await sendStandardWebhook(tenant.webhook.url, tenant.webhook.secret, update('PKG-R', 'In transit', '2026-11-23T09:00:00Z'));
    await sendStandardWebhook(tenant.webhook.url, tenant.webhook.secret, update('PKG-R', 'Out for delivery', '2026-11-23T10:00:00Z'));
    await eventually(
      () => count(`SELECT count(*) AS n FROM change_sink.changes WHERE tenant_id = $1`, [tenant.id]),
      (n) => n === 3,
    );

    const resumed = await watch(tenant.apiKey, 'PKG-R', seen.cursor);
    await eventually(async () => resumed.received, (r) => r.length === 2);
    await sendStandardWebhook(tenant.webhook.url, tenant.webhook.secret, update('PKG-R', 'Delivered', '2026-11-23T11:00:00Z'));
    await eventually(async () => resumed.received, (r) => r.length === 3);
    expect(resumed.received.map((u) => u.status)).toEqual(['in_transit', 'out_for_delivery', 'delivered']);

    const bad = subscribe(platform.urls.graphqlWs, tenant.apiKey, PACKAGE_UPDATED, { after: 'not-a-cursor' });
    subscriptions.push(bad);
    expect(JSON.stringify(await bad.failed)).toContain('cursor_invalid');
  });

  it('reports every app live and ready, with what readiness checked', async () => {
    const { gateway, eventStore, changeSink, worker } = platform.urls;
    for (const url of [gateway, eventStore, changeSink, worker]) {
      const live = await fetch(`${url}/health/live`);
      expect({ url, status: live.status, body: await readJson(live) }).toEqual({ url, status: 200, body: { status: 'ok' } });
      const ready = await fetch(`${url}/health/ready`);
      const body = await readJson(ready);
      expect({ url, status: ready.status, status_: body.status }).toEqual({ url, status: 200, status_: 'ok' });
      expect(body.info).toMatchObject({ database: { status: 'up' }, lifecycle: { status: 'up' } });
    }
    expect((await readJson(await fetch(`${changeSink}/health/ready`))).info.capture).toEqual({ status: 'up' });
  });

  it('exposes each app’s own Prometheus metrics', async () => {
    const { gateway, eventStore, changeSink, worker } = platform.urls;
    const scrape = async (url: string) => {
      const response = await fetch(`${url}/metrics`);
      expect(response.headers.get('content-type')).toContain('text/plain');
      return response.text();
    };
    const gatewayMetrics = await scrape(gateway);
    expect(gatewayMetrics).toMatch(/tributary_http_requests_total\{method="POST",route="\/webhooks\/:webhookId",status="202",app="gateway"\} \d+/);
    expect(gatewayMetrics).not.toContain('app="event-store"');
    const storeMetrics = await scrape(eventStore);
    const workerMetrics = await scrape(worker);
    // The database's consumer lag comes from one process of the platform (the first scraped, here the gateway: PlatformGaugeLeader).
    const lagFrom = [gatewayMetrics, storeMetrics, workerMetrics].filter((text) =>
      /tributary_consumer_lag_messages\{group="event-store",topic="tracking.package.updated",app="[\w-]+"\} \d+/.test(text),
    );
    expect(lagFrom).toHaveLength(1);
    const handled = workerMetrics
      .split('\n')
      .filter((line) => line.startsWith('tributary_handler_duration_seconds_count{'))
      .filter((line) => ['topic="tracking.carrier-update.received"', 'group="integration-worker"', 'outcome="ok"'].every((l) => line.includes(l)));
    expect(handled).toHaveLength(1);
    expect(Number(handled[0].split(' ').at(-1))).toBeGreaterThan(0);
    const sinkMetrics = await scrape(changeSink);
    expect(sinkMetrics).toContain('process_cpu_user_seconds_total{app="change-sink"}');
    expect(sinkMetrics).toMatch(/tributary_connected_clients\{app="change-sink"\} \d+/);
    expect(sinkMetrics).toMatch(/tributary_change_capture_delay_seconds\{app="change-sink"\} [\d.e-]+/);
  });

  it('refuses a subscription without a valid API key', async () => {
    const sub = subscribe(platform.urls.graphqlWs, 'trb_notakey', PACKAGE_UPDATED);
    subscriptions.push(sub);
    const reason = (await sub.failed) as { code?: number };
    expect(reason.code).toBe(4403);
  });
});
