import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { freePort } from '@tributary/database';
import { generateApiKey } from '@tributary/tenancy';
import {
  ChaosSchedule,
  createTestDatabase,
  eventually,
  KafkaLogWatcher,
  readJson,
  sendStandardWebhook,
  sleep,
  startTestKafka,
  subscribe,
  testBrokerLog,
  type InFlight,
  type KafkaLogView,
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

/** What each consuming app has handled, as its database shows it: the worker's inbox claims, the event store's appended events. */
const HANDLED = {
  'integration-worker': {
    count: `SELECT count(*)::int AS n FROM messaging.inbox`,
    among: `SELECT DISTINCT message_id::text AS id FROM messaging.inbox WHERE message_id = ANY($1::uuid[])`,
    what: 'claimed in its inbox',
  },
  'event-store': {
    count: `SELECT count(*)::int AS n FROM event_store.events`,
    among: `SELECT event_id::text AS id FROM event_store.events WHERE event_id = ANY($1::uuid[])`,
    what: 'appended to the log',
  },
} as const;
type ConsumingApp = keyof typeof HANDLED;

/** A change's id, from the cursor a subscriber received with it (`<transaction id>.<change id>`). */
const changeIdOf = (cursor: string) => cursor.split('.')[1];

/**
 * The distributed deployment: the four apps as separate processes over Kafka (the Kafka-protocol
 * test broker, or a real one) and PostgreSQL, killed and restarted under load. Each kill lands at a
 * moment drawn from the chaos seed and must be shown to have hit work in flight — messages handled
 * and not committed (from the Kafka log, the consumer group's offsets and the app's inbox or log),
 * changes captured and not pushed — or it is tried again; the seed and the schedule (who was killed
 * when, holding what) come with any failure, and CHAOS_SEED replays them.
 */
describe('the four apps as processes over Kafka', () => {
  let db: TestDatabase;
  let broker: TestKafka;
  let sql: pg.Client;
  /** LISTENs to the change-sink's wake-up: a transaction with captured changes committed. */
  let listener: pg.Client;
  let watcher: KafkaLogWatcher;
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
    let cuts = 0;
    const loop = (async () => {
      while (!stopped) {
        const sub = subscribe<Update>(graphqlWs(), apiKey, QUERY, { after: received.at(-1)?.cursor }, 'packageUpdated');
        subscriptions.push(sub);
        const copy = setInterval(() => received.push(...sub.received.splice(0)), 20);
        await sub.failed;
        clearInterval(copy);
        received.push(...sub.received.splice(0));
        cuts += 1;
        if (!stopped) await sleep(200);
      }
    })();
    return {
      received,
      /** Connections ended so far (what came before an end is in `received`). */
      cuts: () => cuts,
      async stop() {
        stopped = true;
        await Promise.all(subscriptions.map((s) => s.close()));
        await loop;
      },
    };
  };

  /** Until the app has handled `more` messages beyond those it had handled when called. */
  const untilHandled = async (group: ConsumingApp, more: number) => {
    const count = async () => (await sql.query(HANDLED[group].count)).rows[0].n as number;
    const base = await count();
    await eventually(count, (n) => n >= base + more, { timeoutMs: 60_000, intervalMs: 10 });
  };

  /** The group's messages at or past its committed offsets that its app had already handled: consumed, not committed. */
  const consumerInFlight = async (group: ConsumingApp, log: KafkaLogView): Promise<InFlight> => {
    const pending = (await log.uncommitted(group)).filter((m) => m.id !== '');
    const handled = (await sql.query(HANDLED[group].among, [pending.map((m) => m.id)])).rows;
    return {
      count: handled.length,
      detail: `${pending.length} messages at or past ${group}'s committed offsets, ${handled.length} of them already ${HANDLED[group].what}`,
    };
  };

  /** Does `act` the moment the `nth` notification on `channel` (with `payload`, if given) arrives from now on. */
  const atNotification = (channel: string, nth: number, act: () => Promise<unknown>, payload?: string) =>
    new Promise<void>((resolve, reject) => {
      let seen = 0;
      const onNotification = (notification: pg.Notification) => {
        if (notification.channel !== channel || (payload !== undefined && notification.payload !== payload) || ++seen < nth) return;
        listener.off('notification', onNotification);
        act().then(() => resolve(), reject);
      };
      listener.on('notification', onNotification);
    });

  /** The tenant's changes captured in transactions begun before the kill that the subscriber had not received. */
  const changesInFlight = async (tenantId: string, killedAt: Date, received: readonly Update[]) => {
    const pushed = new Set(received.map((u) => changeIdOf(u.cursor)));
    const captured: string[] = (
      await sql.query(`SELECT id::text FROM change_sink.changes WHERE tenant_id = $1 AND table_name = 'package_status' AND changed_at < $2 ORDER BY id`, [
        tenantId,
        killedAt,
      ])
    ).rows.map((r) => r.id);
    const ids = captured.filter((id) => !pushed.has(id));
    return {
      count: ids.length,
      ids,
      detail: `${captured.length} changes of the tenant captured, ${pushed.size} pushed to the subscriber, ${ids.length} not yet (ids ${ids[0]}…${ids.at(-1)})`,
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
    listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    await listener.query('LISTEN tributary_changes');
    // The chaos test's hook: a transaction that handled new messages (the worker's inbox claims, the event store's appends) says so as it commits.
    await sql.query(`
      CREATE FUNCTION public.chaos_handled() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF EXISTS (SELECT 1 FROM inserted) THEN PERFORM pg_notify('chaos_handled', TG_ARGV[0]); END IF;
          RETURN NULL;
        END $$;
      CREATE TRIGGER chaos_handled AFTER INSERT ON messaging.inbox REFERENCING NEW TABLE AS inserted
        FOR EACH STATEMENT EXECUTE FUNCTION public.chaos_handled('integration-worker');
      CREATE TRIGGER chaos_handled AFTER INSERT ON event_store.events REFERENCING NEW TABLE AS inserted
        FOR EACH STATEMENT EXECUTE FUNCTION public.chaos_handled('event-store');
    `);
    await listener.query('LISTEN chaos_handled');
    watcher = await KafkaLogWatcher.start(broker.brokers);
  });

  afterAll(async () => {
    await Promise.all(subscriptions.map((s) => s.close()));
    await watcher?.stop();
    await sql?.end();
    await listener?.end();
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
    const chaos = new ChaosSchedule('distributed: worker stopped; worker, event store, change-sink killed; broker stopped');
    const restart = async (name: AppName) => {
      await app(name).start();
      chaos.note(`${name} started again`);
    };
    // On a failure too, the load stops (or it would keep the test process alive).
    let stopLoad = async () => undefined;
    try {
      await chaos.run(async () => {
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
        stopLoad = async () => {
          streaming = false;
          await stream;
          await subscriber.stop();
        };

        await untilHandled('integration-worker', chaos.int(10, 60));
        // A graceful stop first: SIGTERM drains (finishes the message in hand, commits, leaves the group) and exits 0.
        const stopping = Date.now();
        expect(await app('integration-worker').stop('SIGTERM')).toBe(0);
        expect(Date.now() - stopping).toBeLessThan(30_000);
        // And it leaves nothing it handled uncommitted.
        const drained = await consumerInFlight('integration-worker', watcher);
        chaos.note(`SIGTERM integration-worker: exited 0; ${drained.detail}`);
        expect(drained.count).toBe(0);
        await restart('integration-worker');

        // Each kill -9 lands the moment the app commits the effects of a batch (a seeded one from now) — kafkajs commits
        // the batch's offsets right after — and counts: it must find messages handled (their effects committed) that
        // the group had not committed, redelivered after the restart.
        for (const group of ['integration-worker', 'event-store'] as const) {
          await chaos.landKill(`kill -9 ${group}`, {
            kill: async () => {
              const commits = chaos.int(1, 15);
              await atNotification('chaos_handled', commits, () => app(group).kill(), group);
              chaos.note(`killed ${group} as it committed the effects of its batch #${commits} from now`);
              return consumerInFlight(group, watcher);
            },
            recover: () => restart(group),
          });
          await restart(group);
        }

        // The change-sink dies on the wake-up of a commit of captured changes: what was captured and not yet pushed to the subscriber is in flight.
        const inFlightChanges = await chaos.landKill('kill -9 change-sink', {
          kill: async () => {
            const commits = chaos.int(1, 8);
            const cutsBefore = subscriber.cuts();
            let killedAt = new Date();
            await atNotification('tributary_changes', commits, () => {
              killedAt = new Date();
              return app('change-sink').kill();
            });
            chaos.note(`killed change-sink at the wake-up of commit #${commits} of captured changes from now`);
            // What reached the subscriber before its connection dropped was pushed before the kill.
            await eventually(async () => subscriber.cuts(), (cuts) => cuts > cutsBefore, { timeoutMs: 10_000 });
            return changesInFlight(tenant.id, killedAt, subscriber.received);
          },
          recover: () => restart('change-sink'),
        });
        await restart('change-sink');

        if (broker.outage && broker.testBroker) {
          const log = testBrokerLog(broker.testBroker);
          // Paused while both consumers hold messages they handled and have not committed (they cannot commit until it resumes).
          await chaos.landKill('broker outage', {
            kill: async () => {
              const commits = chaos.int(1, 15);
              await atNotification('chaos_handled', commits, () => broker.outage!.pause());
              chaos.note(`broker paused as the worker or the event store committed the effects of batch #${commits} from now`);
              const found = await Promise.all((['integration-worker', 'event-store'] as const).map((group) => consumerInFlight(group, log)));
              return { count: found.reduce((n, f) => n + f.count, 0), detail: found.map((f) => f.detail).join('; ') };
            },
            recover: async () => {
              await broker.outage!.resume();
              chaos.note('broker resumed');
            },
          });
          const outage = chaos.int(1_500, 3_000);
          await sleep(outage);
          await broker.outage.resume();
          chaos.note(`broker resumed after ${outage} ms`);
        }
        await untilHandled('event-store', chaos.int(10, 60));
        streaming = false;
        await stream;
        chaos.note(`stream stopped: ${accepted.length} webhooks accepted, ${refused.length} refused`);

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
        // Every change the change-sink had captured and not pushed when it died reached the subscriber after its restart; no change came twice.
        const pushed = subscriber.received.map((u) => changeIdOf(u.cursor));
        expect(inFlightChanges.ids.filter((id) => !pushed.includes(id))).toEqual([]);
        expect(pushed.filter((id, i) => pushed.indexOf(id) !== i)).toEqual([]);
        await subscriber.stop();
        // No 5xx other than a clean 503 during the outage, and never a 202 for something not stored (checked above).
        expect(refused.filter((s) => s !== 503 && s !== 0)).toEqual([]);
      });
    } finally {
      await stopLoad();
    }
  });
});
