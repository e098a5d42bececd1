import { existsSync, mkdtempSync, rmSync } from 'node:fs';
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
 * The operator page at /ui in Debian's headless chromium, driven by playwright-core, over the four
 * apps (postgres transport, a real PostgreSQL): it signs in with the admin key, shows a webhook's
 * delivery and its event live, shows a real dead letter and redrives it once its cause is gone.
 */
(browserMissing ? describe.skip : describe)('the operator page (/ui) in a browser', () => {
  let db: TestDatabase;
  let sql: pg.Client;
  const apps: INestApplication[] = [];
  let gatewayUrl: string;
  let changeSinkWs: string;
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
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('console', (m) => console.log('page:', m.type(), m.text()));
    page.on('pageerror', (e) => console.log('page error:', e.message));
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await sql?.end();
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
    expect((await sql.query(`SELECT count(*)::int AS n FROM messaging.dead_letters WHERE id = $1`, [id])).rows[0].n).toBe(0);
    await page.locator('#dead-letter-count', { hasText: /^0$/ }).waitFor({ timeout: 30_000 });
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
