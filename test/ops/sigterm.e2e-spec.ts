import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { freePort } from '@tributary/database';
import { generateApiKey } from '@tributary/tenancy';
import { createTestDatabase, eventually, readJson, sendStandardWebhook, sleep, startTestKafka, type TestDatabase, type TestKafka } from '@tributary/testing';
import { AppProcess, type AppName } from '../support/app-process.js';
import { createTenantWithWebhook, type TenantWithWebhook } from '../support/tenant-fixture.js';

/**
 * SIGTERM, as Kubernetes sends it on every rollout and scale-down, to the gateway, the event store
 * and the change-sink while webhooks keep coming (the worker's is in distributed.e2e-spec.ts): each
 * exits 0 — within its drain period, or it would exit 1 — and nothing is lost or doubled. Senders
 * behave like Standard Webhooks senders: a delivery that got no answer is retried with the same id.
 */
describe('SIGTERM during load', () => {
  let db: TestDatabase;
  let broker: TestKafka;
  let sql: pg.Client;
  let tenant: TenantWithWebhook;
  const apps = new Map<AppName, AppProcess>();
  const adminKey = generateApiKey();
  const app = (name: AppName) => apps.get(name)!;

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
    for (const name of ['gateway', 'event-store', 'integration-worker', 'change-sink'] as AppName[]) {
      const port = await freePort();
      const extra: Record<string, string> = name === 'gateway' ? { TRIBUTARY_ADMIN_KEY: adminKey, PUBLIC_URL: `http://127.0.0.1:${port}` } : {};
      apps.set(name, new AppProcess(name, port, { ...shared, ...extra }));
    }
    await Promise.all([...apps.values()].map((a) => a.start()));
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    tenant = await createTenantWithWebhook(app('gateway').url, adminKey, 'rollout');
  });

  afterAll(async () => {
    await sql?.end();
    await Promise.all([...apps.values()].map((a) => a.stop()));
    await broker?.stop();
    await db?.drop();
  });

  it('stops the gateway, the event store and the change-sink cleanly under a webhook stream, losing and doubling nothing', async () => {
    const accepted = new Map<string, string>(); // webhook-id -> event id
    const unexpected: number[] = [];
    let streaming = true;
    /** One sender: new deliveries while streaming, each retried with its id until accepted. */
    const sender = async (lane: number) => {
      for (let step = 0; streaming; step++) {
        const id = `msg_${randomUUID()}`;
        const payload = { trackingId: `PKG-${lane}-${step % 4}`, carrier: 'DHL', status: `step ${step}`, occurredAt: new Date(Date.UTC(2026, 10, 23, 0, 0, step)).toISOString() };
        for (let attempt = 0; !accepted.has(id); attempt++) {
          if (attempt > 200) throw new Error(`${id} never accepted`);
          const response = await sendStandardWebhook(tenant.webhook.url, tenant.webhook.secret, payload, { id }).catch(() => undefined);
          if (response?.status === 202) accepted.set(id, (await readJson(response)).eventId);
          else {
            if (response && response.status !== 503) unexpected.push(response.status);
            await sleep(100);
          }
        }
      }
    };
    const senders = Promise.all([0, 1, 2, 3].map(sender));

    for (const name of ['gateway', 'event-store', 'change-sink'] as AppName[]) {
      await eventually(async () => accepted.size, (n) => n >= 20, { timeoutMs: 60_000, intervalMs: 50 });
      const before = accepted.size;
      const exit = await app(name).stop('SIGTERM');
      expect({ name, exit, log: exit === 0 ? '' : app(name).log.slice(-3000) }).toEqual({ name, exit: 0, log: '' });
      await app(name).start();
      // Traffic flows again before the next app is stopped.
      await eventually(async () => accepted.size, (n) => n > before + 10, { timeoutMs: 60_000, intervalMs: 50 });
    }
    streaming = false;
    await senders;
    expect(unexpected).toEqual([]);
    const eventIds = [...accepted.values()];
    expect(new Set(eventIds).size).toBe(accepted.size);

    // Every accepted webhook is in the log once, and was normalized once.
    await eventually(
      async () => (await sql.query(`SELECT count(*)::int AS n FROM event_store.events WHERE event_id = ANY($1::uuid[])`, [eventIds])).rows[0].n,
      (n) => n === eventIds.length,
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
      (rows) => rows.length >= eventIds.length,
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(normalized.map((r) => r.cause).sort()).toEqual([...eventIds].sort());
    expect(normalized.filter((r) => r.n !== 1)).toEqual([]);

    // The change-sink, back from its SIGTERM, is ready and captured every projection change.
    const ready = await fetch(`${app('change-sink').url}/health/ready`);
    expect(ready.status).toBe(200);
    const projected = await eventually(
      async () => (await sql.query(`SELECT count(*)::int AS n FROM event_store.package_status WHERE tenant_id = $1`, [tenant.id])).rows[0].n,
      (n) => n === 16,
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(projected).toBe(16);

    // Caught up, the consumer groups report no lag on Kafka (read from the broker) and neither does the outbox relay.
    const lagOf = async (name: AppName, group: string, topic: string) => {
      const text = await (await fetch(`${app(name).url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`tributary_consumer_lag_messages{group="${group}",topic="${topic}",`));
      return line === undefined ? undefined : Number(line.split(' ').at(-1));
    };
    const expectCaughtUp = (name: AppName, group: string, topic: string) =>
      eventually(() => lagOf(name, group, topic), (lag) => lag === 0, { timeoutMs: 30_000, intervalMs: 500 });
    await expectCaughtUp('integration-worker', 'integration-worker', 'tracking.carrier-update.received');
    await expectCaughtUp('event-store', 'event-store', 'tracking.carrier-update.received');
    await expectCaughtUp('event-store', 'event-store', 'tracking.package.updated');
    // The outbox relay's lag is the database's: one process of the platform exports it (PlatformGaugeLeader).
    const relayLag = async () => {
      for (const name of ['gateway', 'event-store', 'integration-worker'] as AppName[]) {
        const lag = await lagOf(name, 'kafka-relay', 'tracking.carrier-update.received');
        if (lag !== undefined) return lag;
      }
      return undefined;
    };
    await eventually(relayLag, (lag) => lag === 0, { timeoutMs: 30_000, intervalMs: 500 });

    // The operator page's view agrees: every consumer group the broker lists, caught up.
    const overview = await fetch(`${app('gateway').url}/ui/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
      body: JSON.stringify({ query: '{ operatorOverview { lag { group topic lag source } } }' }),
    }).then(readJson);
    const kafkaLag = overview.data.operatorOverview.lag.filter((l: { source: string }) => l.source === 'kafka');
    expect(kafkaLag).toEqual(
      expect.arrayContaining([
        { group: 'integration-worker', topic: 'tracking.carrier-update.received', lag: 0, source: 'kafka' },
        { group: 'event-store', topic: 'tracking.carrier-update.received', lag: 0, source: 'kafka' },
        { group: 'event-store', topic: 'tracking.package.updated', lag: 0, source: 'kafka' },
      ]),
    );
  });
});
