import { randomBytes } from 'node:crypto';
import { sendStandardWebhook, testSecrets } from '@tributary/testing';
import { createTestDatabase, LogCapture, provisionTenant, readJson, startGateway, type RunningGateway, type TestDatabase } from '../../../../test/support/gateway-harness.js';
import { IngestLog } from '../ingest/ingest-log.js';
import { LagSampler } from './lag-history/lag-sampler.js';

type Answer = { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string; status?: number } }[] };
type Bucket = { t: string; accepted: number; refused: number; deadLettered: number | null; failedRuns: number | null; lag: number | null };

const SERIES = `query ($from: String, $to: String, $bucketSeconds: Int, $tenantId: String, $topic: String, $webhookId: String) {
  operatorTimeseries(from: $from, to: $to, bucketSeconds: $bucketSeconds, tenantId: $tenantId, topic: $topic, webhookId: $webhookId) {
    from to bucketSeconds buckets { t accepted refused deadLettered failedRuns lag } } }`;
const TRACE = `query ($id: String!) { operatorTrace(id: $id) {
  id ingest { tenantId actorKind actorId status code topic eventId traceId }
  messages { topic messageId causationId tenantId handledBy } runs { id } events { eventId } deadLetters { id messageId } } }`;
const WORK = `query ($tenantId: String) { operatorWork(tenantId: $tenantId) { projections { name } runs { id } schedules { id } } }`;

/**
 * The operator page's history, search and work queries at /ui/graphql, over the gateway alone (the worker's and
 * the event store's tables are not migrated here: their lists come back empty, not as errors). Given two tenants'
 * accepted and refused deliveries, a dead letter and lag samples, the charts' buckets count them, by filter.
 */
describe('operator API /ui/graphql: timeseries, trace, work', () => {
  let db: TestDatabase;
  let gateway: RunningGateway;
  const logs = new LogCapture();
  const secrets = testSecrets();
  let acme: Awaited<ReturnType<typeof provisionTenant>>;
  let globex: Awaited<ReturnType<typeof provisionTenant>>;
  let accepted: { eventId: string; traceId: string };
  let refusedTrace: string;
  const start = new Date(Date.now() - 60_000).toISOString();

  const post = async (key: string | undefined, query: string, variables: Record<string, unknown> = {}) =>
    readJson(
      await fetch(`${gateway.base}/ui/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify({ query, variables }),
      }),
    ) as Promise<Answer>;
  const series = async (variables: Record<string, unknown>) => {
    const answer = await post(gateway.admin.key, SERIES, { from: start, to: new Date(Date.now() + 60_000).toISOString(), bucketSeconds: 3600, ...variables });
    expect(answer.errors).toBeUndefined();
    return (answer.data!.operatorTimeseries as { buckets: Bucket[] }).buckets;
  };
  const carrierUpdate = (trackingId: string) => ({ trackingId, carrier: 'DHL', status: 'In Transit', occurredAt: '2026-11-23T10:00:00Z' });

  beforeAll(async () => {
    db = await createTestDatabase();
    gateway = await startGateway(db.url, logs, {}, secrets);
    acme = await provisionTenant(gateway.admin, 'acme');
    globex = await provisionTenant(gateway.admin, 'globex');
    accepted = (await readJson(await sendStandardWebhook(acme.webhook.url, acme.webhook.secret, carrierUpdate('PKG-1')))) as typeof accepted;
    await sendStandardWebhook(acme.webhook.url, acme.webhook.secret, carrierUpdate('PKG-2'));
    const forged = await sendStandardWebhook(acme.webhook.url, 'whsec_' + randomBytes(24).toString('base64'), carrierUpdate('PKG-X'));
    expect(forged.status).toBe(401);
    refusedTrace = ((await readJson(forged)) as { traceId: string }).traceId;
    await sendStandardWebhook(globex.webhook.url, globex.webhook.secret, carrierUpdate('PKG-G'));
    await gateway.app.get(IngestLog).flush();
    await gateway.dataSource.query(
      `INSERT INTO messaging.dead_letters (group_id, topic, partition, "offset", message_id, tenant_id, envelope, error_code, error_message, attempts)
       VALUES ('integration-worker', 'tracking.carrier-update.received', 0, 0, $1, $2, $3, 'handler_failed', 'boom', 5)`,
      [accepted.eventId, acme.tenant.id, { id: accepted.eventId, type: 'tracking.carrier-update.received', tenantid: acme.tenant.id, subject: 'PKG-1', data: {} }],
    );
  });

  afterAll(async () => {
    await gateway?.close();
    await db?.drop();
  });

  const total = (buckets: Bucket[], key: 'accepted' | 'refused' | 'deadLettered') => buckets.reduce((sum, b) => sum + (b[key] ?? 0), 0);

  it('counts accepted and refused deliveries and dead letters per bucket, every bucket of the window', async () => {
    const from = new Date(Date.now() - 10 * 60_000);
    const to = new Date(Date.now() + 60_000);
    const answer = await post(gateway.admin.key, SERIES, { from: from.toISOString(), to: to.toISOString(), bucketSeconds: 60 });
    const result = answer.data!.operatorTimeseries as { from: string; bucketSeconds: number; buckets: Bucket[] };
    expect(result.bucketSeconds).toBe(60);
    expect(result.buckets).toHaveLength(11);
    expect(result.buckets[0].t).toBe(from.toISOString());
    expect([total(result.buckets, 'accepted'), total(result.buckets, 'refused'), total(result.buckets, 'deadLettered')]).toEqual([3, 1, 1]);
    expect(result.buckets.every((b) => b.failedRuns === null)).toBe(true); // no worker tables on this database
  });

  it('filters by tenant, topic and webhook; a series the filter does not apply to is null', async () => {
    const byTenant = await series({ tenantId: acme.tenant.id });
    expect([total(byTenant, 'accepted'), total(byTenant, 'refused'), total(byTenant, 'deadLettered')]).toEqual([2, 1, 1]);
    expect(byTenant.every((b) => b.lag === null)).toBe(true);
    const byWebhook = await series({ webhookId: globex.webhook.id });
    expect([total(byWebhook, 'accepted'), total(byWebhook, 'refused')]).toEqual([1, 0]);
    expect(byWebhook.every((b) => b.deadLettered === null && b.lag === null)).toBe(true);
    const otherTopic = await series({ topic: 'tracking.package.updated' });
    expect([total(otherTopic, 'accepted'), total(otherTopic, 'deadLettered')]).toEqual([0, 0]);
  });

  it('charts the lag from the samples LagSampler keeps (one sample per interval, whichever replica)', async () => {
    const sampler = gateway.app.get(LagSampler);
    // A consumer group 5 messages behind on one partition (no consumer runs beside this gateway).
    await gateway.dataSource.query(`DELETE FROM gateway.operator_lag_samples`);
    await gateway.dataSource.query(`UPDATE messaging.topic_partitions SET next_offset = next_offset + 5 WHERE topic = 'tracking.carrier-update.received' AND partition = 0`);
    await gateway.dataSource.query(
      `INSERT INTO messaging.group_partitions (group_id, topic, partition, committed_offset)
       SELECT 'operator-test', topic, partition, next_offset - 5 FROM messaging.topic_partitions WHERE topic = 'tracking.carrier-update.received' AND partition = 0`,
    );
    expect(await sampler.sample()).toBe(true);
    expect(await sampler.sample()).toBe(false); // sampled a moment ago (by this replica or another)
    const buckets = await series({ topic: 'tracking.carrier-update.received' });
    expect(buckets.map((b) => b.lag).filter((l) => l !== null)).toEqual([5]);
    const otherTopic = await series({ topic: 'tracking.package.updated' });
    expect(otherTopic.map((b) => b.lag).filter((l) => l !== null)).toEqual([]); // no group reads it: nothing sampled
  });

  it('follows an event by its event id or trace id: its delivery, its message and its dead letter', async () => {
    for (const id of [accepted.eventId, accepted.traceId]) {
      const answer = await post(gateway.admin.key, TRACE, { id });
      expect(answer.errors).toBeUndefined();
      const trace = answer.data!.operatorTrace as { ingest: { eventId: string; status: number; actorId: string }[]; messages: { messageId: string; topic: string }[]; deadLetters: { messageId: string }[]; runs: unknown[]; events: unknown[] };
      expect(trace.ingest).toEqual([expect.objectContaining({ eventId: accepted.eventId, status: 202, actorId: acme.webhook.id })]);
      expect(trace.messages).toEqual([expect.objectContaining({ messageId: accepted.eventId, topic: 'tracking.carrier-update.received' })]);
      expect(trace.deadLetters).toEqual([expect.objectContaining({ messageId: accepted.eventId })]);
      expect([trace.runs, trace.events]).toEqual([[], []]);
    }
    const refused = (await post(gateway.admin.key, TRACE, { id: refusedTrace })).data!.operatorTrace as { ingest: { status: number; code: string }[]; messages: unknown[] };
    expect(refused.ingest).toEqual([expect.objectContaining({ status: 401, code: 'signature_invalid' })]);
    expect(refused.messages).toEqual([]);
  });

  it('lists the work (projections, runs, schedules): empty where those apps have no tables here', async () => {
    const answer = await post(gateway.admin.key, WORK, { tenantId: acme.tenant.id });
    expect(answer).toEqual({ data: { operatorWork: { projections: [], runs: [], schedules: [] } } });
  });

  it('refuses bad input with validation_failed (400), never a 500', async () => {
    const bad: [string, Record<string, unknown>][] = [
      [SERIES, { from: 'yesterday' }],
      [SERIES, { bucketSeconds: 1 }],
      [SERIES, { from: new Date(Date.now() + 60_000).toISOString(), to: new Date().toISOString() }],
      [SERIES, { from: '2020-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z', bucketSeconds: 86_400 }],
      [SERIES, { from: '2026-01-01T00:00:00Z', to: '2026-01-10T00:00:00Z', bucketSeconds: 60 }],
      [SERIES, { tenantId: 'acme' }],
      [SERIES, { topic: 'no.such.topic' }],
      [SERIES, { webhookId: "1' OR 1=1" }],
      [TRACE, { id: 'not-an-id' }],
      [TRACE, { id: '' }],
      [WORK, { tenantId: 'x' }],
    ];
    for (const [query, variables] of bad) {
      const answer = await post(gateway.admin.key, query, variables);
      expect({ variables, data: answer.data ?? null, code: answer.errors?.[0]?.extensions?.code }).toEqual({ variables, data: null, code: 'validation_failed' });
      expect(answer.errors?.[0]?.extensions).toMatchObject({ status: 400 });
    }
  });

  it('answers the platform admin only', async () => {
    for (const [query, variables] of [[SERIES, {}], [TRACE, { id: accepted.eventId }], [WORK, {}]] as const) {
      expect((await post(acme.tenant.apiKey, query, variables)).errors?.[0]?.extensions?.code).toBe('admin_required');
      expect((await post(undefined, query, variables)).errors?.[0]?.extensions?.code).toBe('unauthenticated');
    }
  });
});
