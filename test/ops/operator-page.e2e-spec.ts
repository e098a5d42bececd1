import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { freePort } from '@tributary/database';
import { generateApiKey } from '@tributary/tenancy';
import { createTestDatabase, eventually, readJson, sendStandardWebhook, subscribe, type Subscription, type TestDatabase } from '@tributary/testing';
import { createChangeSinkApp } from '../../apps/change-sink/src/change-sink.app.js';
import { loadChangeSinkConfig } from '../../apps/change-sink/src/change-sink.config.js';
import { createEventStoreApp } from '../../apps/event-store/src/event-store.app.js';
import { loadEventStoreConfig } from '../../apps/event-store/src/event-store.config.js';
import { createGatewayApp, ensureAdminKey } from '../../apps/gateway/src/gateway.app.js';
import { loadGatewayConfig } from '../../apps/gateway/src/gateway.config.js';
import { createWorkerApp } from '../../apps/integration-worker/src/worker.app.js';
import { loadWorkerConfig } from '../../apps/integration-worker/src/worker.config.js';
import { createTenantWithWebhook, type TenantWithWebhook } from '../support/tenant-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
// The launch flags that work on these machines (no sandbox as root, no calls home on a closed network).
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const browserMissing = !existsSync(CHROMIUM);
if (browserMissing) {
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is required under CI=true (test/setup/e2e-global.js installs it)`);
  console.warn(`Skipping the operator page browser test: ${CHROMIUM} is not installed (node scripts/ensure-chromium.js installs it)`);
}

const PACKAGE_UPDATES = 'subscription { packageUpdated { trackingId status } }';
/**
 * Where the screenshots are written: with UPDATE_SCREENSHOTS=1 into docs/images (those docs/operations.md shows,
 * committed with the page's changes), otherwise into a temporary directory (taken all the same, left out of the tree).
 */
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? join(process.cwd(), 'docs', 'images') : join(tmpdir(), `tributary-operator-screenshots-${process.pid}`);

/** Pixels of the chart's canvas within a small distance of an RGB colour: a drawn series, not an empty chart. */
const pixelsOf = (page: Page, chart: string, [r, g, b]: [number, number, number]) =>
  page.evaluate<number>(`(() => {
    const canvas = document.querySelector('#${chart} canvas');
    if (!canvas) return 0;
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i] - ${r}) + Math.abs(data[i + 1] - ${g}) + Math.abs(data[i + 2] - ${b}) < 40 && data[i + 3] > 200) n++;
    return n;
  })()`);
const ACCEPTED_STROKE: [number, number, number] = [0x1a, 0x7f, 0x37];
const chartTotals = async (page: Page, chart: string) => JSON.parse((await page.getAttribute(`#${chart}`, 'data-totals')) ?? '{}') as Record<string, number>;
const chartPoints = async (page: Page, chart: string) => Number(await page.getAttribute(`#${chart}`, 'data-points'));

/**
 * The operator page at /ui in Debian's headless chromium, driven by playwright-core, over the four
 * apps (postgres transport, a real PostgreSQL): it signs in with the admin key, shows a webhook's
 * delivery and its event live, shows a real dead letter and redrives it once its cause is gone.
 */
(browserMissing ? describe.skip : describe)('the operator page (/ui) in a browser', () => {
  let db: TestDatabase;
  let sql: pg.Client;
  const apps: INestApplication[] = [];
  let gatewayUrl: string;
  let workerUrl: string;
  let relayTarget: Server;
  let tracedEvent: string;
  let changeSinkWs: string;
  let eventStoreUrl: string;
  let tenant: TenantWithWebhook;
  let profile: string;
  let browser: BrowserContext;
  let page: Page;
  const adminKey = generateApiKey();
  const clients: Subscription<unknown>[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const shared = {
      DATABASE_URL: db.url,
      TRIBUTARY_NOTIFY_URL: db.kind === 'server' ? db.url : '',
      TRIBUTARY_SIGNING_KEY: randomBytes(32).toString('base64'),
      TRIBUTARY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'error',
    };
    const ports = { gateway: await freePort(), eventStore: await freePort(), changeSink: await freePort(), worker: await freePort() };
    gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
    changeSinkWs = `ws://127.0.0.1:${ports.changeSink}/graphql`;
    workerUrl = `http://127.0.0.1:${ports.worker}`;
    eventStoreUrl = `http://127.0.0.1:${ports.eventStore}`;
    const gateway = await createGatewayApp(loadGatewayConfig({ ...shared, PORT: String(ports.gateway), PUBLIC_URL: gatewayUrl }));
    apps.push(gateway);
    const eventStore = await createEventStoreApp(loadEventStoreConfig({ ...shared, PORT: String(ports.eventStore) }));
    apps.push(eventStore);
    const changeSink = await createChangeSinkApp(loadChangeSinkConfig({ ...shared, PORT: String(ports.changeSink) }));
    apps.push(changeSink);
    // Two attempts, so that a failing handler is dead-lettered quickly.
    const worker = await createWorkerApp(loadWorkerConfig({ ...shared, PORT: String(ports.worker), HANDLER_MAX_ATTEMPTS: '2' }));
    apps.push(worker);
    await gateway.listen(ports.gateway, '127.0.0.1');
    await eventStore.listen(ports.eventStore, '127.0.0.1');
    await changeSink.listen(ports.changeSink, '127.0.0.1');
    await worker.listen(ports.worker, '127.0.0.1');
    await eventStore.startAllMicroservices();
    await worker.startAllMicroservices();
    await ensureAdminKey(gateway, adminKey);
    tenant = await createTenantWithWebhook(gatewayUrl, adminKey, 'acme');
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();

    profile = mkdtempSync(join(tmpdir(), 'tributary-chromium-'));
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1440, height: 1000 } });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('console', (m) => console.log('page:', m.type(), m.text()));
    page.on('pageerror', (e) => console.log('page error:', e.message));
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    if (process.env.UPDATE_SCREENSHOTS !== '1') rmSync(SCREENSHOTS, { recursive: true, force: true });
    await sql?.end();
    await new Promise((resolve) => (relayTarget ? relayTarget.close(resolve) : resolve(undefined)));
    for (const app of apps.reverse()) await app.close();
    await db?.drop();
  });

  const carrierUpdate = (trackingId: string) => ({ trackingId, carrier: 'DHL', status: 'In transit', occurredAt: new Date().toISOString() });

  it('refuses a tenant key and opens with the platform admin key', async () => {
    await page.goto(`${gatewayUrl}/ui`);
    await page.fill('#admin-key', tenant.apiKey);
    await page.click('#sign-in button[type=submit]');
    await page.locator('#sign-in-error', { hasText: 'not the platform admin key' }).waitFor();
    expect(await page.isVisible('#dashboard')).toBe(false);

    await page.fill('#admin-key', adminKey);
    await page.click('#sign-in button[type=submit]');
    await page.locator('#dashboard').waitFor();
    await page.locator('#connection[data-state="live"]').waitFor({ timeout: 30_000 });
    await page.locator('#topics tr[data-topic="tracking.carrier-update.received"]').waitFor();
    await page.locator('#lag tr[data-group="integration-worker"][data-topic="tracking.carrier-update.received"]').waitFor();
  });

  it('shows a webhook delivery and its event as they happen, and the clients connected to the change-sink', async () => {
    const watcher = subscribe(changeSinkWs, tenant.apiKey, PACKAGE_UPDATES);
    clients.push(watcher);
    await watcher.connected;
    const response = await sendStandardWebhook(tenant.webhook.url, tenant.webhook.secret, carrierUpdate('PKG-LIVE'));
    expect(response.status).toBe(202);
    const { eventId } = await readJson(response);

    const delivery = page.locator(`#deliveries tr[data-event-id="${eventId}"]`);
    await delivery.waitFor({ timeout: 30_000 });
    expect(await delivery.getAttribute('data-status')).toBe('202');
    await expect(delivery.textContent()).resolves.toContain(tenant.webhook.id);
    const message = page.locator(`#messages tr[data-message-id="${eventId}"]`);
    await message.waitFor({ timeout: 30_000 });
    await expect(message.textContent()).resolves.toContain('tracking.carrier-update.received');
    // Its follow-up: the worker's normalized event for the same package.
    await page.locator('#messages tr[data-topic="tracking.package.updated"]', { hasText: 'PKG-LIVE' }).waitFor({ timeout: 30_000 });
    // A refused delivery shows with its code (nothing is stored for it anywhere else).
    const refused = await sendStandardWebhook(tenant.webhook.url, 'whsec_' + randomBytes(24).toString('base64'), carrierUpdate('PKG-FORGED'));
    expect(refused.status).toBe(401);
    await page.locator('#deliveries tr[data-status="401"]', { hasText: 'signature_invalid' }).waitFor({ timeout: 30_000 });
    // The watcher is counted among the change-sink's clients (through its heartbeat).
    await page.locator('#connected-clients', { hasText: /^[1-9]\d*$/ }).waitFor({ timeout: 30_000 });
  });

  it('shows a dead letter and redrives it once the cause is gone', async () => {
    // A real failure: the worker cannot publish its follow-up for this package, retries, then gives up.
    await sql.query(`CREATE OR REPLACE FUNCTION public.operator_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'downstream unavailable'; END $$`);
    await sql.query(`CREATE TRIGGER operator_test_fail BEFORE INSERT ON messaging.messages FOR EACH ROW
      WHEN (NEW.envelope->>'type' = 'tracking.package.updated' AND NEW.envelope->'data'->>'trackingId' = 'PKG-POISON')
      EXECUTE FUNCTION public.operator_test_fail()`);
    const response = await sendStandardWebhook(tenant.webhook.url, tenant.webhook.secret, carrierUpdate('PKG-POISON'));
    expect(response.status).toBe(202);
    const { eventId } = await readJson(response);
    const [{ id }] = (
      await eventually(
        async () => (await sql.query(`SELECT id::text FROM messaging.dead_letters WHERE message_id = $1 AND group_id = 'integration-worker'`, [eventId])).rows,
        (rows) => rows.length === 1,
        { timeoutMs: 60_000, intervalMs: 250 },
      )
    ) as { id: string }[];
    const row = page.locator(`#dead-letters tr[data-id="${id}"]`);
    await row.waitFor({ timeout: 30_000 });
    await expect(row.textContent()).resolves.toContain('downstream unavailable');

    // The cause is fixed; the operator redrives from the page.
    await sql.query(`DROP TRIGGER operator_test_fail ON messaging.messages`);
    await row.locator('button', { hasText: 'Redrive' }).click();
    await page.locator('#redrive-result', { hasText: `Dead letter ${id} sent back` }).waitFor();
    await row.waitFor({ state: 'detached' });

    // The worker handles it this time: the follow-up reaches the event store, once, and shows in the live flow.
    await page.locator('#messages tr[data-topic="tracking.package.updated"]', { hasText: 'PKG-POISON' }).waitFor({ timeout: 60_000 });
    const followUps = await eventually(
      async () => (await sql.query(`SELECT count(*)::int AS n FROM event_store.events WHERE type = 'tracking.package.updated' AND metadata->>'causationId' = $1`, [eventId])).rows[0].n,
      (n) => n >= 1,
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(followUps).toBe(1);
    // The dead letter stays on record: redriven, then resolved once its group handled it.
    await eventually(
      async () => (await sql.query(`SELECT status FROM messaging.dead_letters WHERE id = $1`, [id])).rows[0].status,
      (status) => status === 'resolved',
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    await page.locator('#dead-letter-count', { hasText: /^0$/ }).waitFor({ timeout: 30_000 });
  });

  const worker = async (key: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${workerUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: await readJson(response) };
  };

  it('charts deliveries, errors and lag over time, and filters them by tenant', async () => {
    // Runs and a schedule to show: the acme tenant relays its package state changes to an endpoint of its own.
    relayTarget = createServer((req, res) => req.resume().on('end', () => res.writeHead(200).end()));
    await new Promise<void>((resolve) => relayTarget.listen(0, '127.0.0.1', resolve));
    const deployment = await worker(tenant.apiKey, 'POST', '/v1/deployments', {
      integration: 'webhook-relay',
      name: 'relay',
      config: { url: `http://127.0.0.1:${(relayTarget.address() as AddressInfo).port}/` },
      credentials: { token: 'relay-token-0123456789' },
      allowPrivateNetwork: true,
    });
    expect(deployment.status).toBe(201);
    const action = await worker(tenant.apiKey, 'POST', `/v1/deployments/${deployment.body.id}/actions`, { method: 'relay-state-change' });
    expect(action.status).toBe(201);
    const schedule = await worker(tenant.apiKey, 'POST', `/v1/actions/${action.body.id}/schedules`, {
      cron: '0 3 * * *',
      timeZone: 'Europe/Amsterdam',
      input: { trackingId: 'PKG-DAILY', carrier: 'dhl', occurredAt: '2026-12-01T03:00:00.000Z', to: 'in_transit', version: 1, carrierStatus: 'daily check' },
    });
    expect(schedule.status).toBe(201);
    for (const id of ['PKG-RELAY-1', 'PKG-RELAY-2']) expect((await sendStandardWebhook(tenant.webhook.url, tenant.webhook.secret, carrierUpdate(id))).status).toBe(202);
    // A second tenant's traffic, for the filter.
    const globex = await createTenantWithWebhook(gatewayUrl, adminKey, 'globex');
    for (const id of ['PKG-G1', 'PKG-G2', 'PKG-G3']) expect((await sendStandardWebhook(globex.webhook.url, globex.webhook.secret, carrierUpdate(id))).status).toBe(202);
    expect((await sendStandardWebhook(globex.webhook.url, 'whsec_' + randomBytes(24).toString('base64'), carrierUpdate('PKG-GX'))).status).toBe(401);

    // acme: PKG-LIVE, PKG-POISON and two relayed accepted, PKG-FORGED refused; globex: three accepted, one refused.
    const totals = async () => {
      await page.click('#filters button[type=submit]');
      await page.locator('#filter-state', { hasText: 'all traffic' }).waitFor();
      return chartTotals(page, 'chart-throughput');
    };
    expect(await eventually(totals, (t) => t.accepted === 7 && t.refused === 2, { timeoutMs: 30_000, intervalMs: 500 })).toEqual({ accepted: 7, refused: 2 });
    const errors = await chartTotals(page, 'chart-errors');
    expect(errors['dead letters']).toBeGreaterThanOrEqual(1);
    expect(await chartPoints(page, 'chart-throughput')).toBeGreaterThan(0);
    // The series are drawn: the accepted line's colour is on the canvas (an empty chart has none of it).
    expect(await pixelsOf(page, 'chart-throughput', ACCEPTED_STROKE)).toBeGreaterThan(20);
    // Lag is sampled every 15 s (once the consumer groups exist): the chart gets sampled values (zero lag is a value too).
    const lagValues = async () => {
      await totals();
      return JSON.parse((await page.getAttribute('#chart-lag', 'data-values')) ?? '{}') as Record<string, number>;
    };
    await eventually(lagValues, (v) => (v['lag (messages)'] ?? 0) > 0, { timeoutMs: 40_000, intervalMs: 1_000 });
    await page.locator('#runs tr[data-state="ok"]', { hasText: 'relay-state-change' }).first().waitFor({ timeout: 60_000 });
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.locator('#history').screenshot({ path: join(SCREENSHOTS, 'operator-history.png') });

    // One tenant: its deliveries only; runs and schedules are acme's, so they leave the lists.
    await page.fill('#filter-tenant', globex.id);
    await page.click('#filters button[type=submit]');
    await page.locator('#filter-state', { hasText: 'tenant' }).waitFor();
    await eventually(() => chartTotals(page, 'chart-throughput'), (t) => t.accepted === 3 && t.refused === 1, { timeoutMs: 10_000, intervalMs: 250 });
    expect(await pixelsOf(page, 'chart-throughput', ACCEPTED_STROKE)).toBeGreaterThan(20);
    // globex's own runs (its deliveries' handling) stay; acme's relay runs go.
    const runTenants = async () => [...new Set(await page.locator('#runs tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-tenant-id'))))];
    expect(await eventually(runTenants, (t) => t.length === 1 && t[0] === globex.id, { timeoutMs: 15_000, intervalMs: 250 })).toEqual([globex.id]);
    await eventually(async () => page.locator('#schedules tbody tr').count(), (n) => n === 0, { timeoutMs: 15_000, intervalMs: 250 });
    await page.locator('#chart-lag-note', { hasText: 'not shown with these filters' }).waitFor();
    await page.locator('#history').screenshot({ path: join(SCREENSHOTS, 'operator-history-tenant.png') });
    await page.fill('#filter-tenant', '');
    await page.click('#filters button[type=submit]');
    await page.locator(`#schedules tr[data-schedule-id="${schedule.body.id}"]`).waitFor({ timeout: 15_000 });

    // A filter the API refuses is said on the page, not a blank chart.
    await page.fill('#filter-webhook', 'not-a-webhook');
    await page.click('#filters button[type=submit]');
    await page.locator('#filter-state.error', { hasText: 'webhookId' }).waitFor();
    await page.fill('#filter-webhook', '');
    await page.click('#filters button[type=submit]');
    await page.locator('#filter-state', { hasText: 'all traffic' }).waitFor();
  });

  it('follows one event by its trace id: received, on the log, handled, stored and projected', async () => {
    const response = await sendStandardWebhook(tenant.webhook.url, tenant.webhook.secret, carrierUpdate('PKG-TRACE'));
    expect(response.status).toBe(202);
    const { eventId, traceId } = (await readJson(response)) as { eventId: string; traceId: string };
    tracedEvent = eventId;
    // The path is complete once the delivery is in the ingest log (written in batches) and the projection has read
    // past the worker's follow-up event.
    const search = async () => {
      await page.fill('#trace-id', traceId);
      await page.click('#trace-form button[type=submit]');
      await page.locator('#trace li[data-step="dead-letters"]').waitFor();
      const received = await page.locator('#trace li[data-step="ingest"] tr[data-status="202"]').count();
      const projected = await page.locator('#trace li[data-step="events"] tr', { hasText: 'tracking.package.updated' }).textContent({ timeout: 1_000 }).catch(() => '');
      return received === 1 && (projected ?? '').includes('package_status');
    };
    await eventually(search, (complete) => complete, { timeoutMs: 60_000, intervalMs: 1_000 });
    const received = page.locator('#trace li[data-step="ingest"] tr[data-status="202"]');
    await expect(received.textContent()).resolves.toContain(eventId);
    await page.locator(`#trace li[data-step="messages"] tr[data-message-id="${eventId}"]`).waitFor();
    const followUp = page.locator('#trace li[data-step="messages"] tr[data-topic="tracking.package.updated"]');
    await expect(followUp.textContent()).resolves.toContain(eventId); // caused by the delivery's event
    await expect(page.locator('#trace li[data-step="messages"]').textContent()).resolves.toContain('integration-worker'); // handled by
    await page.locator('#trace-section').screenshot({ path: join(SCREENSHOTS, 'operator-trace.png') });

    // By event id too; an id that is neither is refused with the reason.
    await page.fill('#trace-id', eventId);
    await page.click('#trace-form button[type=submit]');
    await page.locator(`#trace li[data-step="ingest"] tr[data-status="202"]`, { hasText: traceId }).waitFor();
    await page.fill('#trace-id', 'PKG-TRACE');
    await page.click('#trace-form button[type=submit]');
    await page.locator('#trace-state.error', { hasText: 'trace id' }).waitFor();
  });

  it('shows the projections with their state and rebuild progress, runs and schedules', async () => {
    const projection = page.locator('#projections tr[data-projection="package_status"]');
    await projection.waitFor({ timeout: 30_000 });
    expect(await projection.getAttribute('data-state')).toBe('live');
    // A rebuild asked of the event store shows with its progress once it is done.
    const rebuild = await fetch(`${eventStoreUrl}/v1/projections/package_status/rebuild`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(rebuild.status).toBeLessThan(300);
    await page.locator('#projections tr[data-projection="package_status"]', { hasText: 'done (requested' }).waitFor({ timeout: 60_000 });
    await expect(page.locator('#projections tr[data-projection="package_status"] progress').getAttribute('value')).resolves.toBe('1');
    await page.locator('#runs tr[data-state="ok"]', { hasText: 'relay-state-change' }).first().waitFor();
    await page.locator('#schedules tbody tr', { hasText: '0 3 * * *' }).waitFor();
    await page.fill('#trace-id', tracedEvent);
    await page.click('#trace-form button[type=submit]');
    await page.locator('#trace li[data-step="ingest"] tr[data-status="202"]').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'operator-page.png'), fullPage: true });
  });

  it('keeps the operator API to the platform admin key, over HTTP and graphql-ws', async () => {
    const ask = (key?: string) =>
      fetch(`${gatewayUrl}/ui/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify({ query: '{ operatorOverview { deadLetterCount recentMessages { messageId } } }' }),
      }).then(readJson);
    for (const [key, code] of [[undefined, 'unauthenticated'], [tenant.apiKey, 'admin_required'], ['trb_notakey', 'unauthenticated']] as const) {
      const body = await ask(key);
      expect({ key: key ?? null, data: body.data, code: body.errors?.[0]?.extensions?.code }).toEqual({ key: key ?? null, data: null, code });
      expect(JSON.stringify(body)).not.toContain('stacktrace');
    }
    const redrive = await fetch(`${gatewayUrl}/ui/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.apiKey}` },
      body: JSON.stringify({ query: 'mutation { redriveDeadLetter(id: "1") { id } }' }),
    }).then(readJson);
    expect(redrive.errors[0].extensions.code).toBe('admin_required');
    const byTenant = subscribe(`${gatewayUrl.replace('http', 'ws')}/ui/graphql`, tenant.apiKey, 'subscription { operatorStats { deadLetterCount } }');
    clients.push(byTenant);
    expect((await byTenant.failed) as { code?: number }).toMatchObject({ code: 4403 });
    expect(byTenant.received).toEqual([]);
    const byAdmin = subscribe<{ deadLetterCount: number }>(`${gatewayUrl.replace('http', 'ws')}/ui/graphql`, adminKey, 'subscription { operatorStats { deadLetterCount } }');
    clients.push(byAdmin);
    await eventually(async () => byAdmin.received, (r) => r.length > 0, { timeoutMs: 30_000 });
    expect(byAdmin.received[0]).toEqual({ deadLetterCount: 0 });
  });
});
