import { Injectable, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { freePort } from '@tributary/database';
import { configureHttpEdge, validationPipe } from '@tributary/edge';
import { MessagePublisher, PostgresMessageLog, type Envelope } from '@tributary/messaging';
import { AppLogger } from '@tributary/observability';
import { Tenants } from '@tributary/tenancy';
import { createTestDatabase, eventually, startTestKafka, testSecrets, type TestDatabase, type TestKafka } from '@tributary/testing';
import { Topics, type CarrierUpdateReceived, type PackageStateChanged, type StockPriceSynced, type StockPullRequested, type TopicDefinition } from '@tributary/topics';
import { DataSource } from 'typeorm';
import type { HandlerContext, HandlerResult, IntegrationHandler } from '../sdk/integration-handler.js';
import { defineIntegration, route, type IntegrationDefinition } from '../sdk/integration.js';
import { loadWorkerConfig } from '../worker.config.js';
import { WorkerModule } from '../worker.module.js';
import { connectIntegrationConsumers } from './integration-consumers.js';

// ─── The integrations under test ────────────────────────────────────────────────────────────────

/** What the handlers saw: the answerer's requests, the asker's replies, the holder's tokens (by tracking id). */
const answered: string[] = [];
const replies = new Map<string, StockPriceSynced>();
const tokens = new Map<string, string[]>();
const deadlines = new Map<string, number>();

/** Asks for a SKU's stock (the package's tracking id) and waits for the answer. */
@Injectable()
class Asker implements IntegrationHandler<PackageStateChanged> {
  async handle(change: PackageStateChanged, context: HandlerContext): Promise<HandlerResult<never>> {
    const reply = await context.request(Topics.stockPullRequested, { skus: [change.trackingId] }, { replyTopic: Topics.stockPriceSynced, timeoutMs: 1_500 });
    replies.set(change.trackingId, reply);
    return undefined;
  }
}

/** SHORT- packages whose short asker went on past its request, by attempt (its code after the reply ran). */
const continuedAfterReply: Array<{ trackingId: string; attempt: number }> = [];

/** Asks within a short route timeout (1 s), with the request's default wait (10 s): only for SHORT- packages. */
@Injectable()
class ShortAsker implements IntegrationHandler<PackageStateChanged> {
  async handle(change: PackageStateChanged, context: HandlerContext): Promise<HandlerResult<never>> {
    if (!change.trackingId.startsWith('SHORT-')) return undefined;
    await context.request(Topics.stockPullRequested, { skus: [change.trackingId] }, { replyTopic: Topics.stockPriceSynced });
    continuedAfterReply.push({ trackingId: change.trackingId, attempt: context.attempt });
    return undefined;
  }
}

/** SKUs the answerer is not ready for yet (it fails them, retryably). */
const unready = new Set<string>();

/** Answers a stock pull — its output goes to the request's reply topic — but never a SILENT- SKU. */
@Injectable()
class Answerer implements IntegrationHandler<StockPullRequested, StockPriceSynced> {
  async handle(request: StockPullRequested, context: HandlerContext<StockPriceSynced>): Promise<HandlerResult<StockPriceSynced>> {
    const sku = request.skus?.[0] ?? 'none';
    if (sku.startsWith('SILENT-')) return context.skip('not answered');
    if (unready.has(sku)) throw new Error(`not ready for ${sku}`);
    answered.push(sku);
    return { sku, stock: 7, syncedAt: '2026-12-07T08:00:00Z' };
  }
}

/** Tracking ids whose next hand-over fails (the external system cannot be reached), after the token was kept. */
const handOverFails = new Set<string>();

/** The test's external system: it keeps each token per tracking id (and fails a hand-over of handOverFails once). */
function handOver(trackingId: string, token: string): void {
  tokens.set(trackingId, [...(tokens.get(trackingId) ?? []), token]);
  if (handOverFails.delete(trackingId)) throw new Error('the external system could not be reached');
}

/** Leaves every carrier update unsettled (an external system calls back), the token kept per tracking id. */
@Injectable()
class Holder implements IntegrationHandler<CarrierUpdateReceived> {
  async handle(update: CarrierUpdateReceived, context: HandlerContext): Promise<HandlerResult<never>> {
    const token = await context.settleLater({ deadlineMs: deadlines.get(update.trackingId) ?? 60_000 });
    // A real holder hands the token to the external system here (context.http); should that throw, the attempt fails.
    handOver(update.trackingId, token);
    return undefined;
  }
}

/** What the settler's `settle` answered, by tracking id (its outcome, or the error code). */
const settledBy = new Map<string, string[]>();

/** Settles the holder's message of the same tracking id from another handler (a state change is its callback). */
@Injectable()
class Settler implements IntegrationHandler<PackageStateChanged> {
  async handle(change: PackageStateChanged, context: HandlerContext): Promise<HandlerResult<never>> {
    const token = tokens.get(change.trackingId)?.[0] ?? `stl_${'0'.repeat(43)}`;
    const output = { trackingId: change.trackingId, carrier: change.carrier, occurredAt: change.occurredAt, status: change.to, carrierStatus: change.carrierStatus };
    const answer = await context.settle(token, { outcome: 'ack', output }).then(
      (state) => `${state.state}${state.repeated ? ' (repeated)' : ''}`,
      (error: { code?: string }) => error.code ?? 'error',
    );
    settledBy.set(change.trackingId, [...(settledBy.get(change.trackingId) ?? []), answer]);
    return undefined;
  }
}

/** RACE- updates the waiter has seen through: acked, released and finished while its main-path run was still going. */
const waitedOut = new Set<string>();

/**
 * A second route on the holder's messages that runs after the hold: it acks the held message
 * (context.settle) and waits until the retry loop has finished it — a settlement landing between the
 * hold and the delivery's own record of the attempt. On a redelivery it does nothing.
 */
@Injectable()
class Waiter implements IntegrationHandler<CarrierUpdateReceived> {
  constructor(private readonly dataSource: DataSource) {}

  async handle(update: CarrierUpdateReceived, context: HandlerContext): Promise<HandlerResult<never>> {
    if (!update.trackingId.startsWith('RACE-') || context.attempt > 1 || waitedOut.has(update.trackingId)) return undefined;
    const token = tokens.get(update.trackingId)![0];
    await context.settle(token, { outcome: 'ack' });
    const { messageId } = context;
    await eventually(
      async () => Number((await this.dataSource.query(`SELECT count(*) AS n FROM messaging.deferred WHERE message_id = $1`, [messageId]))[0].n),
      (n) => n === 0,
    );
    waitedOut.add(update.trackingId);
    return undefined;
  }
}

const FAST = { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 100 };

const asker = defineIntegration({
  name: 'asker',
  description: 'Asks for stock on every state change and waits for the reply',
  routes: [route({ method: 'ask', topic: Topics.packageStateChanged, handler: Asker, replies: [Topics.stockPriceSynced], retry: { ...FAST, maxAttempts: 30 }, timeoutMs: 5_000 })],
});

const answerer = defineIntegration({
  name: 'answerer',
  description: 'Answers stock pulls on their reply topic',
  routes: [route({ method: 'answer', topic: Topics.stockPullRequested, handler: Answerer, retry: { maxAttempts: 100, baseDelayMs: 100, maxDelayMs: 200 } })],
});

const shortAsker = defineIntegration({
  name: 'short-asker',
  description: 'Asks with a wait longer than its route may run',
  routes: [route({ method: 'ask-short', topic: Topics.packageStateChanged, handler: ShortAsker, replies: [Topics.stockPriceSynced], retry: { ...FAST, maxAttempts: 30 }, timeoutMs: 1_000 })],
});

const settler = defineIntegration({
  name: 'settler',
  description: "Acks the holder's message of a package when its state changes",
  routes: [route({ method: 'settle', topic: Topics.packageStateChanged, handler: Settler })],
});

const holder = defineIntegration({
  name: 'holder',
  description: 'Settles carrier updates later; an ack publishes the package update',
  routes: [route({ method: 'hold', topic: Topics.carrierUpdateReceived, handler: Holder, onSuccess: [Topics.packageUpdated], retry: FAST })],
});

const racer = defineIntegration({
  name: 'racer',
  description: 'Holds carrier updates, and has them acked and finished by a second route before the first delivery ends',
  routes: [
    route({ method: 'hold', topic: Topics.carrierUpdateReceived, handler: Holder, retry: FAST }),
    route({ method: 'wait', topic: Topics.carrierUpdateReceived, handler: Waiter, retry: FAST }),
  ],
});

// ─── A worker running them (the worker's modules, these integrations) ───────────────────────────

interface QueuesWorker {
  readonly app: INestApplication;
  readonly url: string;
  readonly dataSource: DataSource;
  stop(): Promise<void>;
}

/** The worker (its modules, HTTP edge and consumers, as `createWorkerApp` builds it) running `integrations` only. */
async function startQueuesWorker(
  db: TestDatabase,
  secrets: Record<string, string>,
  integrations: readonly IntegrationDefinition[],
  env: Record<string, string> = {},
): Promise<QueuesWorker> {
  const config = loadWorkerConfig({ ...secrets, DATABASE_URL: db.url, LOG_LEVEL: 'silent', CONSUMER_POLL_MS: '50', ...env });
  const app = await NestFactory.create(WorkerModule.forRoot(config, integrations), { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(AppLogger));
  configureHttpEdge(app, { jsonMaxDepth: config.JSON_MAX_DEPTH });
  app.useGlobalPipes(validationPipe());
  connectIntegrationConsumers(app, { pollIntervalMs: 50, retry: FAST });
  const port = await freePort();
  await app.listen(port, '127.0.0.1');
  await app.startAllMicroservices();
  return { app, url: `http://127.0.0.1:${port}`, dataSource: app.get(DataSource), stop: () => app.close() };
}

const call = async (url: string, key: string, method: string, path: string, body?: unknown) => {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed as Record<string, unknown> & { error?: { code: string } } };
};

const count = async (dataSource: DataSource, sql: string, parameters: unknown[]): Promise<number> => Number((await dataSource.query(sql, parameters))[0].n);

// ─── Request/reply ──────────────────────────────────────────────────────────────────────────────

describe.each(['postgres', 'kafka'] as const)('integration worker on %s: request/reply between integrations', (transport) => {
  let kafka: TestKafka | undefined;
  let env: Record<string, string> = {};
  let db: TestDatabase;
  const secrets = testSecrets();
  let worker: QueuesWorker | undefined;
  let tenantId: string;
  let otherTenantId: string;

  const change = (trackingId: string): PackageStateChanged => ({
    trackingId,
    carrier: 'DHL',
    occurredAt: '2026-12-07T08:00:00Z',
    to: 'in_transit',
    version: 1,
    carrierStatus: 'In Transit',
  });
  const publish = <T extends object>(topic: TopicDefinition<T>, data: T, tenant: string, queue?: { replyTo?: string; inReplyTo?: string }) =>
    worker!.dataSource.transaction((m) => worker!.app.get(MessagePublisher).publish(m, topic, data, { tenantId: tenant, ...(queue ? { queue } : {}) }));
  const requestsFor = (sku: string) =>
    worker!.dataSource.query<{ id: string; envelope: Envelope }[]>(
      `SELECT message_id AS id, envelope FROM messaging.messages WHERE topic = $1 AND envelope->'data'->'skus'->>0 = $2`,
      [Topics.stockPullRequested.name, sku],
    );
  const repliesTo = (requestId: string) =>
    worker!.dataSource.query<{ envelope: Envelope }[]>(`SELECT envelope FROM messaging.messages WHERE topic = $1 AND envelope->>'inreplyto' = $2`, [
      Topics.stockPriceSynced.name,
      requestId,
    ]);
  const runsOf = (message: Envelope) =>
    worker!.dataSource.query<{ state: string; attempt: number; error_code: string | null }[]>(
      `SELECT state, attempt, error_code FROM worker.runs WHERE method = 'ask' AND message_id = $1 ORDER BY attempt`,
      [message.id],
    );

  beforeAll(async () => {
    // What the handlers saw is kept per run of the describe (each transport's on a database of its own).
    answered.length = 0;
    continuedAfterReply.length = 0;
    replies.clear();
    unready.clear();
    db = await createTestDatabase();
    if (transport === 'kafka') kafka = await startTestKafka();
    env = kafka ? { TRIBUTARY_TRANSPORT: 'kafka', KAFKA_BROKERS: kafka.brokers.join(','), KAFKA_PARTITIONS: '2' } : {};
    worker = await startQueuesWorker(db, secrets, [asker, answerer, shortAsker], env);
    const tenants = worker.app.get(Tenants);
    tenantId = (await worker.dataSource.transaction((m) => tenants.create(m, 'asking'))).id;
    otherTenantId = (await worker.dataSource.transaction((m) => tenants.create(m, 'other'))).id;
  });

  afterAll(async () => {
    await worker?.stop();
    await kafka?.stop();
    await db?.drop();
  });

  it('request and reply end to end between two integrations: the reply answers the request, its correlation kept', async () => {
    const trigger = await publish(Topics.packageStateChanged, change('SKU-E2E'), tenantId);
    await eventually(async () => replies.get('SKU-E2E'), (reply) => reply !== undefined, { timeoutMs: 15_000 });
    expect(replies.get('SKU-E2E')).toEqual(expect.objectContaining({ sku: 'SKU-E2E', stock: 7 }));
    const [request] = await requestsFor('SKU-E2E');
    expect(request.envelope).toEqual(expect.objectContaining({ replyto: Topics.stockPriceSynced.name, causationid: trigger.id, correlationid: trigger.correlationid }));
    const [reply] = await repliesTo(request.id);
    expect(reply.envelope).toEqual(expect.objectContaining({ tenantid: tenantId, inreplyto: request.id, causationid: request.id, correlationid: trigger.correlationid }));
    // Answered on its first attempt — or, on a Kafka group still settling in, after waits that timed out (the request sent once).
    // The run is recorded as it commits, just after its handler saw the reply.
    const runs = await eventually(() => runsOf(trigger), (rows) => rows.at(-1)?.state === 'ok');
    expect(runs.slice(0, -1).map((r) => r.error_code)).toEqual(runs.slice(0, -1).map(() => 'request_timeout'));
    expect(await requestsFor('SKU-E2E')).toHaveLength(1);
  });

  it('a request nobody answers fails its attempt with request_timeout (retried), sent once; a reply of another tenant never answers it', async () => {
    const trigger = await publish(Topics.packageStateChanged, change('SILENT-1'), tenantId);
    const [request] = await eventually(() => requestsFor('SILENT-1'), (rows) => rows.length === 1);
    // Another tenant answers the same request id: recorded as that tenant's, it resolves nothing here.
    await publish(Topics.stockPriceSynced, { sku: 'SILENT-1', stock: 1, syncedAt: '2026-12-07T08:00:00Z' }, otherTenantId, { inReplyTo: request.id });
    const runs = await eventually(() => runsOf(trigger), (rows) => rows.filter((r) => r.error_code === 'request_timeout').length >= 2, { timeoutMs: 15_000 });
    expect(runs.slice(0, 2)).toEqual([
      { state: 'fail', attempt: 1, error_code: 'request_timeout' },
      { state: 'fail', attempt: 2, error_code: 'request_timeout' },
    ]);
    expect(replies.has('SILENT-1')).toBe(false);
    expect(await requestsFor('SILENT-1')).toHaveLength(1);
  });

  it('a request whose worker stops while waiting is answered after the restart, without being sent again', async () => {
    unready.add('SKU-RESTART');
    const trigger = await publish(Topics.packageStateChanged, change('SKU-RESTART'), tenantId);
    const [request] = await eventually(() => requestsFor('SKU-RESTART'), (rows) => rows.length === 1);
    await worker!.stop();
    worker = undefined;
    unready.delete('SKU-RESTART');
    worker = await startQueuesWorker(db, secrets, [asker, answerer, shortAsker], env);
    // On Kafka the restarted member rejoins its group first (about 10 s): the waiting run retries meanwhile.
    await eventually(async () => replies.get('SKU-RESTART'), (reply) => reply !== undefined, { timeoutMs: 60_000 });
    expect(await requestsFor('SKU-RESTART')).toHaveLength(1);
    expect(answered.filter((sku) => sku === 'SKU-RESTART')).toEqual(['SKU-RESTART']);
    expect(await repliesTo(request.id)).toHaveLength(1);
    const runs = await eventually(() => runsOf(trigger), (rows) => rows.at(-1)?.state === 'ok');
    expect(runs.at(-1)!.attempt).toBeGreaterThan(1);
  });

  it('an answer that does not fit the reply topic, or a reply-to naming no topic, is dead-lettered (reply_invalid, reply_topic_unknown), nothing published', async () => {
    // In one append, beside a request that fits: they reach the worker as one batch.
    const request = (sku: string, replyTo: string) => ({ topic: Topics.stockPullRequested, data: { skus: [sku] }, origin: { tenantId, queue: { replyTo } } });
    const [fine, misfit, nowhere] = await worker!.app
      .get(MessagePublisher)
      .publishAll(worker!.dataSource, [
        request('SKU-FITS', Topics.stockPriceSynced.name),
        request('SKU-MISFIT', Topics.packageUpdated.name),
        request('SKU-NOWHERE', 'no.such.topic'),
      ]);
    const letters = await eventually(
      () =>
        worker!.dataSource.query<{ message_id: string; error_code: string }[]>(
          `SELECT message_id, error_code FROM messaging.dead_letters WHERE message_id = ANY($1::text[]) ORDER BY error_code`,
          [[misfit.id, nowhere.id]],
        ),
      (rows) => rows.length === 2,
    );
    expect(letters).toEqual([
      { message_id: misfit.id, error_code: 'reply_invalid' },
      { message_id: nowhere.id, error_code: 'reply_topic_unknown' },
    ]);
    expect(await count(worker!.dataSource, `SELECT count(*) AS n FROM messaging.messages WHERE envelope->>'inreplyto' = ANY($1::text[])`, [[misfit.id, nowhere.id]])).toBe(0);
    // The first refused answer failed its own run in the batch: recorded as its attempt, not run again one by one
    // (its batch-mates were, as any batch's that failed).
    expect(answered.filter((sku) => sku === 'SKU-MISFIT')).toEqual(['SKU-MISFIT']);
    await eventually(() => repliesTo(fine.id), (rows) => rows.length === 1);
  });

  it("a request's wait ends with its route's timeout: a reply arriving later is taken by the next attempt only", async () => {
    unready.add('SHORT-1');
    const trigger = await publish(Topics.packageStateChanged, change('SHORT-1'), tenantId);
    // The first attempt gives up within its route's second (handler_timeout or request_timeout), then the answer comes.
    await eventually(
      () => worker!.dataSource.query<{ attempt: number }[]>(`SELECT attempt FROM worker.runs WHERE method = 'ask-short' AND message_id = $1 AND state = 'fail'`, [trigger.id]),
      (rows) => rows.length >= 1,
      { timeoutMs: 15_000 },
    );
    unready.delete('SHORT-1');
    await eventually(
      () => worker!.dataSource.query<{ state: string }[]>(`SELECT state FROM worker.runs WHERE method = 'ask-short' AND message_id = $1 AND state = 'ok'`, [trigger.id]),
      (rows) => rows.length === 1,
      { timeoutMs: 30_000 },
    );
    // A timed-out attempt still waiting would have been woken by the reply too, and gone on past its request.
    await new Promise((resolve) => setTimeout(resolve, 600));
    const continued = continuedAfterReply.filter((c) => c.trackingId === 'SHORT-1');
    expect(continued).toHaveLength(1);
    expect(continued[0].attempt).toBeGreaterThan(1);
  }, 60_000);

  it('a request delivered three times is answered once', async () => {
    // A request published by hand, then appended twice more in the same transaction: one answer.
    const request = await worker!.dataSource.transaction(async (m) => {
      const sent = await worker!.app.get(MessagePublisher).publish(m, Topics.stockPullRequested, { skus: ['SKU-TWICE'] }, {
        tenantId,
        queue: { replyTo: Topics.stockPriceSynced.name },
      });
      await worker!.app.get(PostgresMessageLog).append(m, [sent, sent]);
      return sent;
    });
    // A later message of another topic is handled only after the three (the worker consumes in order per partition).
    await eventually(() => repliesTo(request.id), (rows) => rows.length === 1);
    await eventually(
      () => count(worker!.dataSource, `SELECT count(*) AS n FROM messaging.inbox WHERE consumer = 'answerer.answer' AND message_id = $1`, [request.id]),
      (n) => n === 1,
    );
    const marker = await publish(Topics.stockPullRequested, { skus: ['SKU-AFTER-TWICE'] }, tenantId, { replyTo: Topics.stockPriceSynced.name });
    await eventually(() => repliesTo(marker.id), (rows) => rows.length === 1);
    expect(await repliesTo(request.id)).toHaveLength(1);
    expect(answered.filter((sku) => sku === 'SKU-TWICE')).toEqual(['SKU-TWICE']);
  });
});

// ─── Acknowledging later ────────────────────────────────────────────────────────────────────────

describe.each(['postgres', 'kafka'] as const)('integration worker on %s: messages settled later (ack / nack / reject with a deadline)', (transport) => {
  let kafka: TestKafka | undefined;
  let db: TestDatabase;
  let worker: QueuesWorker;
  let tenant: { id: string; apiKey: string };
  let other: { id: string; apiKey: string };

  const update = (trackingId: string, hour = 8): CarrierUpdateReceived => ({
    trackingId,
    carrier: 'DHL',
    status: 'Delivered',
    occurredAt: new Date(Date.UTC(2026, 11, 7, hour)).toISOString(),
  });
  const output = (trackingId: string) => ({ trackingId, carrier: 'DHL', occurredAt: '2026-12-07T08:00:00Z', status: 'delivered', carrierStatus: 'Delivered' });
  const publish = (trackingId: string, hour = 8) =>
    worker.dataSource.transaction((m) => worker.app.get(MessagePublisher).publish(m, Topics.carrierUpdateReceived, update(trackingId, hour), { tenantId: tenant.id }));
  const tokenOf = async (trackingId: string, n = 1) => (await eventually(async () => tokens.get(trackingId) ?? [], (list) => list.length >= n, { timeoutMs: 15_000 }))[n - 1];
  const settle = (token: string, body: unknown, key = tenant.apiKey) => call(worker.url, key, 'POST', `/v1/settlements/${token}`, body);
  const published = (trackingId: string) =>
    count(worker.dataSource, `SELECT count(*) AS n FROM messaging.messages WHERE topic = $1 AND envelope->>'subject' = $2`, [Topics.packageUpdated.name, trackingId]);
  const runsOf = (message: Envelope) =>
    worker.dataSource.query<{ state: string; attempt: number; error_code: string | null }[]>(
      `SELECT state, attempt, error_code FROM worker.runs WHERE message_id = $1 ORDER BY attempt`,
      [message.id],
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    tokens.clear();
    deadlines.clear();
    settledBy.clear();
    if (transport === 'kafka') kafka = await startTestKafka();
    worker = await startQueuesWorker(db, testSecrets(), [holder, settler], kafka ? { TRIBUTARY_TRANSPORT: 'kafka', KAFKA_BROKERS: kafka.brokers.join(','), KAFKA_PARTITIONS: '2' } : {});
    const issue = async (name: string) => {
      const created = await worker.dataSource.transaction((m) => worker.app.get(Tenants).create(m, name));
      return { id: created.id, apiKey: created.apiKey };
    };
    tenant = await issue('settling');
    other = await issue('someone-else');
  });

  afterAll(async () => {
    await worker?.stop();
    await kafka?.stop();
    await db?.drop();
  });

  it('ack over HTTP publishes the output once, with the inbox claim; a second ack answers the same, publishing nothing', async () => {
    const message = await publish('ACK-1');
    const token = await tokenOf('ACK-1');
    expect(token).toMatch(/^stl_[A-Za-z0-9_-]{43}$/);
    await eventually(() => runsOf(message), (runs) => runs.some((r) => r.state === 'pending'));
    const first = await settle(token, { outcome: 'ack', output: output('ACK-1') });
    expect(first.status).toBe(200);
    expect(first.body).toEqual(expect.objectContaining({ state: 'acked', messageId: message.id, integration: 'holder', method: 'hold', attempt: 1, outputs: 1, repeated: false }));
    const second = await settle(token, { outcome: 'ack', output: output('ACK-1') });
    expect(second.status).toBe(200);
    expect(second.body).toEqual(expect.objectContaining({ state: 'acked', outputs: 1, repeated: true }));
    expect(await published('ACK-1')).toBe(1);
    expect(await runsOf(message)).toEqual([{ state: 'ok', attempt: 1, error_code: null }]);
    // Released: the message is finished (no longer held), and never handed to the handler again.
    await eventually(() => count(worker.dataSource, `SELECT count(*) AS n FROM messaging.deferred WHERE message_id = $1`, [message.id]), (n) => n === 0);
    expect(tokens.get('ACK-1')).toHaveLength(1);
    // Another outcome now: 409.
    const late = await settle(token, { outcome: 'reject' });
    expect([late.status, late.body.error?.code]).toEqual([409, 'settlement_settled']);
  });

  it("another tenant's key gets 404 for the token, and bad bodies 400: nothing changes", async () => {
    const message = await publish('ISOLATED-1');
    const token = await tokenOf('ISOLATED-1');
    const foreign = await settle(token, { outcome: 'ack' }, other.apiKey);
    expect([foreign.status, foreign.body.error?.code]).toEqual([404, 'settlement_not_found']);
    for (const body of [{ outcome: 'maybe' }, { outcome: 'nack', output: output('ISOLATED-1') }, { outcome: 'ack', reason: 'x' }, { outcome: 'ack', output: { nope: 1 } }, 'not json', { outcome: 'reject', reason: 'r'.repeat(501) }]) {
      const answer = await settle(token, body);
      expect([answer.status, typeof answer.body.error?.code]).toEqual([400, 'string']);
    }
    const unknown = await settle(`stl_${'A'.repeat(43)}`, { outcome: 'ack' });
    expect([unknown.status, unknown.body.error?.code]).toEqual([404, 'settlement_not_found']);
    expect(await published('ISOLATED-1')).toBe(0);
    expect((await runsOf(message)).map((r) => r.state)).toEqual(['pending']);
    // The runs API lists it as pending to its tenant only.
    const pending = await call(worker.url, tenant.apiKey, 'GET', '/v1/runs?state=pending');
    expect((pending.body.items as Array<{ method: string; state: string }>).filter((r) => r.method === 'hold').map((r) => r.state)).toContain('pending');
    expect((await call(worker.url, other.apiKey, 'GET', '/v1/runs?state=pending')).body.items).toEqual([]);
    // Still settleable by its own tenant.
    expect((await settle(token, { outcome: 'ack' })).body).toEqual(expect.objectContaining({ state: 'acked', outputs: 0 }));
  });

  it('nack: the message is delivered again (attempt 2), with a new token', async () => {
    const message = await publish('NACK-1');
    const token = await tokenOf('NACK-1');
    const nacked = await settle(token, { outcome: 'nack', reason: 'the warehouse is busy' });
    expect(nacked.body).toEqual(expect.objectContaining({ state: 'nacked', reason: 'the warehouse is busy' }));
    const again = await tokenOf('NACK-1', 2);
    expect(again).not.toBe(token);
    await eventually(() => runsOf(message), (runs) => runs.length === 2 && runs[1].state === 'pending');
    expect((await runsOf(message))[0]).toEqual({ state: 'fail', attempt: 1, error_code: 'nacked' });
    await settle(again, { outcome: 'ack' });
  });

  it('reject: the message is dead-lettered as rejected, not retried', async () => {
    const message = await publish('REJECT-1');
    const token = await tokenOf('REJECT-1');
    expect((await settle(token, { outcome: 'reject', reason: 'unknown parcel' })).body).toEqual(expect.objectContaining({ state: 'rejected' }));
    const [letter] = await eventually(
      () => worker.dataSource.query<{ error_code: string }[]>(`SELECT error_code FROM messaging.dead_letters WHERE message_id = $1`, [message.id]),
      (rows) => rows.length === 1,
    );
    expect(letter.error_code).toBe('rejected');
    expect(tokens.get('REJECT-1')).toHaveLength(1);
    expect(await published('REJECT-1')).toBe(0);
  });

  it('a lapsed deadline delivers the message again as attempt 2; its old token is settled (409)', async () => {
    deadlines.set('LAPSE-1', 300);
    const message = await publish('LAPSE-1');
    const token = await tokenOf('LAPSE-1');
    const again = await tokenOf('LAPSE-1', 2);
    const runs = await eventually(() => runsOf(message), (rows) => rows.length === 2);
    expect(runs[0]).toEqual({ state: 'fail', attempt: 1, error_code: 'settlement_lapsed' });
    expect(runs[1].attempt).toBe(2);
    const stale = await settle(token, { outcome: 'ack' });
    expect([stale.status, stale.body.error?.code]).toEqual([409, 'settlement_settled']);
    deadlines.delete('LAPSE-1');
    expect((await settle(again, { outcome: 'ack', output: output('LAPSE-1') })).status).toBe(200);
    expect(await published('LAPSE-1')).toBe(1);
  });

  it("another handler settles with context.settle: the output once, a repeat answered as such, another tenant's token unknown", async () => {
    const message = await publish('BY-HANDLER');
    await tokenOf('BY-HANDLER');
    const change = (tenantId: string) =>
      worker.dataSource.transaction((m) =>
        worker.app.get(MessagePublisher).publish(
          m,
          Topics.packageStateChanged,
          { trackingId: 'BY-HANDLER', carrier: 'DHL', occurredAt: '2026-12-07T09:00:00Z', to: 'delivered', version: 1, carrierStatus: 'Delivered' },
          { tenantId },
        ),
      );
    await change(other.id);
    await change(tenant.id);
    await change(tenant.id);
    const answers = await eventually(async () => settledBy.get('BY-HANDLER') ?? [], (list) => list.length === 3);
    // The other tenant's message has its own key (its tenant's): only this tenant's two are in order.
    expect(answers.filter((a) => a !== 'settlement_not_found')).toEqual(['acked', 'acked (repeated)']);
    expect(answers.filter((a) => a === 'settlement_not_found')).toHaveLength(1);
    expect(await published('BY-HANDLER')).toBe(1);
    expect(await runsOf(message)).toEqual([{ state: 'ok', attempt: 1, error_code: null }]);
  });

  it('a deadline over 7 days is refused: the message is not held, it is dead-lettered as settle_later_unsupported', async () => {
    deadlines.set('TOO-LONG', 7 * 24 * 3_600_000 + 1);
    const message = await publish('TOO-LONG');
    const [letter] = await eventually(
      () => worker.dataSource.query<{ error_code: string }[]>(`SELECT error_code FROM messaging.dead_letters WHERE message_id = $1`, [message.id]),
      (rows) => rows.length === 1,
      { timeoutMs: 15_000 },
    );
    deadlines.delete('TOO-LONG');
    expect(letter.error_code).toBe('settle_later_unsupported');
    expect(tokens.get('TOO-LONG')).toBeUndefined();
    expect(await published('TOO-LONG')).toBe(0);
  });

  it('a deadline that lapses on the last attempt dead-letters the message as settlement_lapsed', async () => {
    deadlines.set('LAPSE-LAST', 200);
    const message = await publish('LAPSE-LAST');
    const [letter] = await eventually(
      () => worker.dataSource.query<{ error_code: string; attempts: number }[]>(`SELECT error_code, attempts FROM messaging.dead_letters WHERE message_id = $1`, [message.id]),
      (rows) => rows.length === 1,
      { timeoutMs: 15_000 },
    );
    expect(letter.error_code).toBe('settlement_lapsed');
    expect(tokens.get('LAPSE-LAST')).toHaveLength(FAST.maxAttempts);
    expect((await runsOf(message)).map((r) => [r.state, r.attempt, r.error_code])).toEqual([
      ['fail', 1, 'settlement_lapsed'],
      ['fail', 2, 'settlement_lapsed'],
      ['fail', 3, 'settlement_lapsed'],
    ]);
  });

  it('an ack that comes after the message expired is its end: output once, no dead letter expired', async () => {
    const expiresAt = new Date(Date.now() + 1_500);
    const message = await worker.dataSource.transaction((m) =>
      worker.app.get(MessagePublisher).publish(m, Topics.carrierUpdateReceived, update('EXPIRED-ACK'), { tenantId: tenant.id, queue: { expiresAt } }),
    );
    const token = await tokenOf('EXPIRED-ACK');
    // Handled in time, settled after its expiry.
    await eventually(async () => Date.now(), (now) => now > expiresAt.getTime() + 100);
    expect((await settle(token, { outcome: 'ack', output: output('EXPIRED-ACK') })).body).toEqual(expect.objectContaining({ state: 'acked', outputs: 1 }));
    await eventually(() => count(worker.dataSource, `SELECT count(*) AS n FROM messaging.deferred WHERE message_id = $1`, [message.id]), (n) => n === 0);
    expect(await count(worker.dataSource, `SELECT count(*) AS n FROM messaging.dead_letters WHERE message_id = $1`, [message.id])).toBe(0);
    expect(await published('EXPIRED-ACK')).toBe(1);
    expect(await runsOf(message)).toEqual([{ state: 'ok', attempt: 1, error_code: null }]);
  });

  it('a handler failing after settleLater is retried at once as any failure: its token void (409), the next attempt holds anew', async () => {
    // A deadline far off: were the failed attempt's settlement still pending, the retry would wait for it.
    deadlines.set('HANDOVER-1', 3_600_000);
    handOverFails.add('HANDOVER-1');
    const message = await publish('HANDOVER-1');
    const [first, second] = [await tokenOf('HANDOVER-1'), await tokenOf('HANDOVER-1', 2)];
    const runs = await eventually(() => runsOf(message), (rows) => rows.length === 2 && rows[1].state === 'pending');
    expect(runs[0]).toEqual({ state: 'fail', attempt: 1, error_code: 'handler_failed' });
    const stale = await settle(first, { outcome: 'ack', output: output('HANDOVER-1') });
    expect([stale.status, stale.body.error?.code]).toEqual([409, 'settlement_settled']);
    expect(await published('HANDOVER-1')).toBe(0);
    expect((await settle(second, { outcome: 'ack', output: output('HANDOVER-1') })).status).toBe(200);
    expect(await published('HANDOVER-1')).toBe(1);
    deadlines.delete('HANDOVER-1');
  });

  it("the key's later messages wait until the held one is settled, while other keys flow", async () => {
    await publish('ORDER-1', 8);
    await publish('ORDER-1', 9);
    await publish('ORDER-2', 8);
    const first = await tokenOf('ORDER-1');
    await tokenOf('ORDER-2');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(tokens.get('ORDER-1')).toHaveLength(1);
    await settle(first, { outcome: 'ack' });
    // The next message of the key is handed over now (its own hold).
    const second = await tokenOf('ORDER-1', 2);
    expect(second).not.toBe(first);
  });
});

describe('integration worker on postgres: a settlement landing before the delivery records its hold', () => {
  let db: TestDatabase;
  let worker: QueuesWorker;
  let tenantId: string;

  const publish = (trackingId: string, hour: number) =>
    worker.dataSource.transaction((m) =>
      worker.app.get(MessagePublisher).publish(m, Topics.carrierUpdateReceived, { trackingId, carrier: 'DHL', status: 'Delivered', occurredAt: new Date(Date.UTC(2026, 11, 7, hour)).toISOString() }, { tenantId }),
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    worker = await startQueuesWorker(db, testSecrets(), [racer]);
    tenantId = (await worker.dataSource.transaction((m) => worker.app.get(Tenants).create(m, 'racing'))).id;
  });

  afterAll(async () => {
    await worker?.stop();
    await db?.drop();
  });

  it("does not hold the message again once it was settled and finished: its key's next message is handed over at once", async () => {
    // A deadline far off: were the acked message held again, its key would wait for it.
    deadlines.set('RACE-1', 3_600_000);
    const first = await publish('RACE-1', 8);
    await eventually(async () => waitedOut.has('RACE-1'), (done) => done, { timeoutMs: 15_000 });
    await publish('RACE-1', 9);
    await eventually(async () => tokens.get('RACE-1') ?? [], (list) => list.length === 2, { timeoutMs: 15_000 });
    // The acked message ran once and is not waiting anywhere.
    expect(tokens.get('RACE-1')).toHaveLength(2);
    expect(Number((await worker.dataSource.query(`SELECT count(*) AS n FROM messaging.deferred WHERE message_id = $1`, [first.id]))[0].n)).toBe(0);
    deadlines.delete('RACE-1');
  });
});
