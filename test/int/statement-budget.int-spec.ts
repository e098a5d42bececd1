import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { currentApp } from '@tributary/observability';
import {
  createTestDatabase,
  eventually,
  sendStandardWebhook,
  sleep,
  StatementCounter,
  subscribe,
  type Subscription,
  type TestDatabase,
} from '@tributary/testing';
import { startPlatform, type RunningPlatform } from '../../apps/standalone/src/platform.js';
import { loadStandaloneConfig } from '../../apps/standalone/src/standalone.config.js';
import { createTenantWithWebhook, type TenantWithWebhook } from '../support/tenant-fixture.js';

/**
 * What the track & trace path costs in SQL statements, counted (not timed): 100 signed carrier
 * webhooks for 100 parcels, each with a consenting recipient, through all four apps — gateway
 * ingest, the worker's normalize / state machine / notification (runs, inbox, publish), the event
 * store's appends and projection, the change-sink's capture — until every update is pushed to a
 * live graphql-ws subscriber and every notification is in the mailbox. Every statement of every
 * app counts (BEGIN/COMMIT included); what the apps send when idle is measured just before and left
 * out. The output shows the total, the cost per webhook and the most frequent statements; with
 * STATEMENT_BUDGET_JSON=<prefix> the whole tally is written to <prefix>.<mode>.json.
 */

const WEBHOOKS = 100;

/**
 * The most statements the 100 webhooks may cost, idle left out (docs/architecture.md, "Statement
 * budget"). Before the batch-first consumers (December 2026, 8 runs on a busy 2-core machine):
 * embedded 4,196–4,357 (42–44 a webhook), server 5,363–5,787 (54–58). With them: embedded
 * 1,581–1,849 (16–18.5), server 1,382–3,164 (14–32: on a server how many messages a consumer finds
 * waiting, and so the size of its batches, depends on timing). With one message-log partition
 * in the standalone process (whole batches instead of eight per-partition ones): embedded 721–740
 * (7.2–7.4), server 811–978 (8.1–9.8); with the state machine's history row and state in one
 * statement, embedded 624–635 (6.2–6.3), server 610–997 (6.1–10.0). Set to the worst run plus about 10% (20% on a server, whose
 * batch sizes still depend on timing): a change that adds statements to the hot path fails here;
 * lower these as the cost goes down (DESIGN's target is 15 a webhook, at saturation).
 */
const STATEMENT_BUDGET = { embedded: 700, server: 1_200 };

/**
 * The safety-net polls, slowed from 250/1000 ms: in one process every commit wakes its consumers,
 * the projections and the capture at once. Not longer: on a server, reads held back by an older
 * transaction back off up to these intervals, and a tail left to them would stall the test.
 */
const SLOW_POLL = '2000';

/** How long the idle statements are counted before the load; their rate over the load's window is left out. */
const IDLE_MS = 3_000;

/** After the last push and mail: the trailing work of the load (projection and capture reads) lands in the window. */
const TRAILING_MS = 500;

const PACKAGE_UPDATED = `subscription { packageUpdated { trackingId status } }`;

const modes: Array<['embedded PGlite' | 'PostgreSQL server', boolean]> = [
  ['embedded PGlite', false],
  ['PostgreSQL server', true],
];

describe.each(modes)('statement budget of the track & trace path (%s)', (mode, useServer) => {
  let home: string;
  let database: TestDatabase | undefined;
  let platform: RunningPlatform;
  let probe: pg.Client;
  let tenant: TenantWithWebhook;
  let subscriber: Subscription<{ trackingId: string; status: string }>;
  const counter = new StatementCounter({ appOf: currentApp });

  const count = async (sql: string) => Number((await probe.query<{ n: string }>(sql)).rows[0].n);

  /** Messages some consumer group has not handled yet. */
  const lagging = () =>
    count(
      `SELECT count(*) AS n FROM messaging.group_partitions gp JOIN messaging.topic_partitions tp USING (topic, partition)
        WHERE gp.committed_offset < tp.next_offset`,
    );

  const progress = async () => ({
    pushed: subscriber.received.length,
    mailed: await count(`SELECT count(*) AS n FROM worker.mailbox`),
    lagging: await lagging(),
    projected: await count(`SELECT count(*) AS n FROM event_store.package_status`),
    captured: await count(`SELECT count(*) AS n FROM change_sink.changes`),
  });

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'tributary-statements-'));
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
        CONSUMER_POLL_MS: SLOW_POLL,
        PROJECTION_POLL_MS: SLOW_POLL,
        CHANGE_POLL_MS: SLOW_POLL,
      }),
    );
    // The test's own queries are not the apps'.
    probe = new pg.Client({ connectionString: platform.databaseUrl });
    await probe.connect();
    counter.ignore(probe);

    tenant = await createTenantWithWebhook(platform.urls.gateway, platform.adminKey, 'statements');
    for (let i = 0; i < WEBHOOKS; i++) {
      const response = await fetch(`${platform.urls.worker}/v1/tracking/packages/PKG-${i}/recipient`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${tenant.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email: `customer-${i}@example.com`, language: 'en', consent: true }),
      });
      expect(response.status).toBe(200);
    }
    subscriber = subscribe(platform.urls.graphqlWs, tenant.apiKey, PACKAGE_UPDATED, {}, 'packageUpdated');
    await subscriber.connected;
  }, 60_000);

  afterAll(async () => {
    counter.stop();
    await subscriber?.close();
    await probe?.end();
    await platform?.stop();
    await database?.drop();
    rmSync(home, { recursive: true, force: true });
  });

  it(`${WEBHOOKS} webhooks through the whole path stay within the statement budget`, async () => {
    const budget = database?.kind === 'server' ? STATEMENT_BUDGET.server : STATEMENT_BUDGET.embedded;
    await eventually(lagging, (n) => n === 0);
    await sleep(TRAILING_MS);
    counter.start();
    await sleep(IDLE_MS);
    const idle = counter.toJSON();

    counter.reset();
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: WEBHOOKS }, (_, i) =>
        sendStandardWebhook(tenant.webhook.url, tenant.webhook.secret, {
          trackingId: `PKG-${i}`,
          carrier: 'DHL',
          status: 'In Transit',
          occurredAt: new Date().toISOString(),
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(WEBHOOKS).fill(202));
    const done = await eventually(progress, (p) => p.pushed === WEBHOOKS && p.mailed === WEBHOOKS && p.lagging === 0, { timeoutMs: 40_000, intervalMs: 100 });
    await sleep(TRAILING_MS);
    const windowMs = Date.now() - started;
    counter.stop();
    const load = counter.toJSON();
    const idleInWindow = Math.round((idle.total * windowMs) / IDLE_MS);
    const spent = load.total - idleInWindow;

    console.log(
      [
        `${mode}: ${WEBHOOKS} webhooks cost ${spent} statements, ${(spent / WEBHOOKS).toFixed(1)} a webhook (budget ${budget})`,
        `  ${load.total} counted in ${windowMs} ms, less ~${idleInWindow} idle (${idle.total} in ${IDLE_MS} ms before: ${JSON.stringify(idle.byApp)}); ${JSON.stringify(done)}`,
        counter.report(20),
      ].join('\n'),
    );
    const file = process.env.STATEMENT_BUDGET_JSON;
    if (file) writeFileSync(`${file}.${useServer ? 'server' : 'embedded'}.json`, JSON.stringify({ windowMs, idleMs: IDLE_MS, spent, load, idle }, null, 1));

    expect(done).toEqual({ pushed: WEBHOOKS, mailed: WEBHOOKS, lagging: 0, projected: WEBHOOKS, captured: WEBHOOKS });
    expect(spent).toBeLessThanOrEqual(budget);
  });
});
