import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { freePort } from '@tributary/database';
import { generateApiKey } from '@tributary/tenancy';
import {
  createTestDatabase,
  eventually,
  readJson,
  sendStandardWebhook,
  sleep,
  startTestKafka,
  subscribe,
  type TestKafka,
  type Subscription,
  type TestDatabase,
} from '@tributary/testing';
import { AppProcess, type AppName } from '../support/app-process.js';
import { createTenantWithWebhook } from '../support/tenant-fixture.js';

interface Update {
  trackingId: string;
  status: string;
  updatedAt: string;
  cursor: string;
}

const QUERY = `subscription ($after: String) { packageUpdated(after: $after) { trackingId status updatedAt cursor } }`;

/**
 * The distributed deployment: the four apps as separate processes over Kafka (the Kafka-protocol
 * test broker, or a real one) and PostgreSQL, killed and restarted under load.
 */
describe('the four apps as processes over Kafka', () => {
  let db: TestDatabase;
  let broker: TestKafka;
  let sql: pg.Client;
  const apps = new Map<AppName, AppProcess>();
  const adminKey = generateApiKey();
  const subscriptions: Subscription<Update>[] = [];

  const app = (name: AppName) => apps.get(name)!;
  const newTenant = (name: string) => createTenantWithWebhook(app('gateway').url, adminKey, name);
  const graphqlWs = () => `ws://127.0.0.1:${app('change-sink').port}/graphql`;

  /** A subscriber that reconnects after the change-sink restarts and resumes from the last cursor it saw. */
  const resilientSubscriber = (apiKey: string) => {
    const received: Update[] = [];
    let stopped = false;
    const loop = (async () => {
      while (!stopped) {
        const sub = subscribe<Update>(graphqlWs(), apiKey, QUERY, { after: received.at(-1)?.cursor }, 'packageUpdated');
        subscriptions.push(sub);
        const copy = setInterval(() => received.push(...sub.received.splice(0)), 20);
        await sub.failed;
        clearInterval(copy);
        received.push(...sub.received.splice(0));
        if (!stopped) await sleep(200);
      }
    })();
    return {
      received,
      async stop() {
        stopped = true;
        await Promise.all(subscriptions.map((s) => s.close()));
        await loop;
      },
    };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    broker = await startTestKafka();
    const shared = {
      DATABASE_URL: db.url,
      TRIBUTARY_NOTIFY_URL: db.url,
      TRIBUTARY_TRANSPORT: 'kafka',
      KAFKA_BROKERS: broker.brokers.join(','),
      KAFKA_PARTITIONS: '4',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      TRIBUTARY_SIGNING_KEY: randomBytes(32).toString('base64'),
      TRIBUTARY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    };
    const names: AppName[] = ['gateway', 'event-store', 'integration-worker', 'change-sink'];
    for (const name of names) {
      const port = await freePort();
      const extra: Record<string, string> = name === 'gateway' ? { TRIBUTARY_ADMIN_KEY: adminKey, PUBLIC_URL: `http://127.0.0.1:${port}` } : {};
      apps.set(name, new AppProcess(name, port, { ...shared, ...extra }));
    }
    // All at once, as a rollout would: migrations serialize on their advisory lock.
    await Promise.all([...apps.values()].map((a) => a.start()));
    // Listening is not ready: the change-sink captures the event store's table only once that app has created it.
    for (const a of apps.values()) {
      await eventually(() => fetch(`${a.url}/health/ready`).then((r) => r.status), (status) => status === 200, { timeoutMs: 60_000, intervalMs: 100 });
    }
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  });

  afterAll(async () => {
    await Promise.all(subscriptions.map((s) => s.close()));
    await sql?.end();
    await Promise.all([...apps.values()].map((a) => a.stop()));
    await broker?.stop();
    await db?.drop();
  });

  it('carries a signed webhook through Kafka to a subscriber', async () => {
    const tenant = await newTenant('acme');
    const sub = subscribe<Update>(graphqlWs(), tenant.apiKey, QUERY, {}, 'packageUpdated');
    subscriptions.push(sub);
    await sub.connected;
    const response = await sendStandardWebhook(tenant.webhook.url, tenant.webhook.secret, {
      trackingId: 'PKG-K',
      carrier: 'DHL',
      status: 'Delivered',
      occurredAt: new Date().toISOString(),
    });
    expect(response.status).toBe(202);
    await eventually(async () => sub.received, (r) => r.length === 1, { timeoutMs: 30_000 });
    expect(sub.received[0]).toMatchObject({ trackingId: 'PKG-K', status: 'delivered' });
  });

  it('loses and doubles nothing when the worker is stopped, worker, event store and change-sink are killed and the broker stops', async () => {
    const tenant = await newTenant('crashy');
    const subscriber = resilientSubscriber(tenant.apiKey);
    const accepted: string[] = [];
    const refused: number[] = [];
    let streaming = true;
    let step = 0;
    const stream = (async () => {
      while (streaming) {
        step += 1;
        const trackingId = `PKG-${step % 8}`;
        const response = await sendStandardWebhook(tenant.webhook.url, tenant.webhook.secret, {
          trackingId,
          carrier: 'DHL',
          status: `step ${step}`,
          occurredAt: new Date(Date.UTC(2026, 10, 23, 0, 0, 0, step)).toISOString(),
        }).catch(() => undefined);
        if (response?.status === 202) accepted.push((await readJson(response)).eventId);
        else refused.push(response?.status ?? 0);
        await sleep(15);
      }
    })();

    await sleep(1_000);
    // A graceful stop first: SIGTERM drains (finishes the message in hand, commits, leaves the group) and exits 0.
    const stopping = Date.now();
    expect(await app('integration-worker').stop('SIGTERM')).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(30_000);
    await app('integration-worker').start();
    await sleep(1_000);
    for (const name of ['integration-worker', 'event-store', 'change-sink'] as const) {
      await app(name).kill();
      await sleep(1_000);
      await app(name).start();
      await sleep(1_000);
    }
    if (broker.outage) {
      await broker.outage.pause();
      await sleep(3_000);
      await broker.outage.resume();
    }
    await sleep(1_000);
    streaming = false;
    await stream;

    // Every accepted webhook is in the log exactly once, and was normalized exactly once.
    await eventually(
      async () => (await sql.query(`SELECT count(*)::int AS n FROM event_store.events WHERE event_id = ANY($1::uuid[])`, [accepted])).rows[0].n,
      (n) => n === accepted.length,
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    const normalized = await eventually(
      async () =>
        (
          await sql.query(
            `SELECT metadata->>'causationId' AS cause, count(*)::int AS n FROM event_store.events
              WHERE tenant_id = $1 AND type = 'tracking.package.updated' GROUP BY 1`,
            [tenant.id],
          )
        ).rows,
      (rows) => rows.length >= accepted.length,
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(normalized.map((r) => r.cause).sort()).toEqual([...accepted].sort());
    expect(normalized.every((r) => r.n === 1)).toBe(true);

    // The projection equals a rebuild from the log.
    const rebuilt = await sql.query(
      `SELECT DISTINCT ON (data->>'trackingId') data->>'trackingId' AS tracking_id, data->>'status' AS status, event_id
         FROM event_store.events WHERE tenant_id = $1 AND type = 'tracking.package.updated'
        ORDER BY data->>'trackingId', (data->>'occurredAt')::timestamptz DESC`,
      [tenant.id],
    );
    const projected = await eventually(
      async () =>
        (await sql.query(`SELECT tracking_id, status, last_event_id AS event_id FROM event_store.package_status WHERE tenant_id = $1 ORDER BY tracking_id`, [tenant.id])).rows,
      (rows) => JSON.stringify(rows) === JSON.stringify(rebuilt.rows),
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(projected).toEqual(rebuilt.rows);

    // The subscriber, reconnecting and resuming, ends on the final state of every package.
    const finalStatus = new Map(projected.map((r) => [r.tracking_id, r.status]));
    await eventually(
      async () => {
        const last = new Map<string, string>();
        subscriber.received.forEach((u) => last.set(u.trackingId, u.status));
        return [...finalStatus].every(([id, status]) => last.get(id) === status);
      },
      (done) => done,
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    await subscriber.stop();
    // No 5xx other than a clean 503 during the outage, and never a 202 for something not stored (checked above).
    expect(refused.filter((s) => s !== 503 && s !== 0)).toEqual([]);
  });
});
