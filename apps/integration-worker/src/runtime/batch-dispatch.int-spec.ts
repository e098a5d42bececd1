import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MessagePublisher, PostgresMessageLog, type OutgoingMessage } from '@tributary/messaging';
import { eventually, startTestKafka, type TestKafka } from '@tributary/testing';
import { Topics } from '@tributary/topics';
import { startWorker, type RunningWorker } from '../../../../test/support/worker-fixture.js';
import { WORKER_GROUP } from '../worker.app.js';

const TOPIC = Topics.carrierUpdateReceived;

/**
 * The worker's batch-first dispatch: a partition's batch is committed in one transaction (its runs
 * share the transaction's time); a batch holding a message its handler refuses is dispatched one by
 * one, so that message alone is dead-lettered and the others are handled; per-key order holds.
 */
describe('integration worker: a batch of messages dispatched and committed at once', () => {
  let worker: RunningWorker;
  let tenant: { id: string; apiKey: string };

  const update = (trackingId: string, hour: number): OutgoingMessage => ({
    topic: TOPIC,
    data: { trackingId, carrier: 'DHL', status: 'In Transit', occurredAt: new Date(Date.UTC(2026, 11, 6, hour)).toISOString() },
    origin: { tenantId: tenant.id },
  });
  const publishAll = (messages: readonly OutgoingMessage[]) => worker.app.get(MessagePublisher).publishAll(worker.dataSource, messages);
  /** The normalize runs of a package's messages: how many, and in how many transactions they were recorded. */
  const runs = async (ids: readonly string[]) => {
    const rows = await worker.dataSource.query<{ state: string; finished_at: Date }[]>(
      `SELECT state, finished_at FROM worker.runs WHERE method = 'normalize-carrier-update' AND message_id = ANY($1::uuid[])`,
      [ids],
    );
    return { ok: rows.filter((r) => r.state === 'ok').length, transactions: new Set(rows.map((r) => r.finished_at.getTime())).size };
  };
  /** What normalize published for the package, in log order: the hours of its updates. */
  const normalized = async (trackingId: string) =>
    (
      await worker.dataSource.query<{ hour: string }[]>(
        `SELECT extract(hour FROM (envelope->'data'->>'occurredAt')::timestamptz)::int AS hour FROM messaging.messages
          WHERE topic = $1 AND envelope->>'subject' = $2 ORDER BY "offset"`,
        [Topics.packageUpdated.name, trackingId],
      )
    ).map((r) => Number(r.hour));

  beforeAll(async () => {
    worker = await startWorker();
    tenant = await worker.tenant('batches');
  });

  afterAll(async () => {
    await worker?.stop();
  });

  it('commits a batch of 20 messages of one partition in one transaction, outputs in order', async () => {
    const sent = await publishAll(Array.from({ length: 20 }, (_, i) => update('BATCH-1', i)));
    const ids = sent.map((e) => e.id);
    await eventually(() => runs(ids), (r) => r.ok === 20);
    expect(await runs(ids)).toEqual({ ok: 20, transactions: 1 });
    expect(await normalized('BATCH-1')).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('dispatches one by one around a message its handler refuses: it alone is dead-lettered', async () => {
    const messages = Array.from({ length: 20 }, (_, i) => update('BATCH-2', i));
    messages[10] = { ...messages[10], data: { trackingId: 'BATCH-2', carrier: 'DHL' } as never };
    const sent = await publishAll(messages);
    const good = sent.filter((_, i) => i !== 10).map((e) => e.id);
    await eventually(() => runs(good), (r) => r.ok === 19);
    expect((await runs(good)).transactions).toBe(19);
    const letters = await eventually(
      () => worker.dataSource.query<{ message_id: string; error_code: string }[]>(`SELECT message_id, error_code FROM messaging.dead_letters WHERE group_id = $1`, [WORKER_GROUP]),
      (rows) => rows.length > 0,
    );
    expect(letters).toEqual([{ message_id: sent[10].id, error_code: 'payload_invalid' }]);
    expect(await normalized('BATCH-2')).toEqual(Array.from({ length: 20 }, (_, i) => i).filter((i) => i !== 10));
  });

  it('runs a message delivered three times within one batch once', async () => {
    // Published, then appended twice more in the same transaction: the three reach the worker together.
    const first = await worker.dataSource.transaction(async (m) => {
      const [envelope] = await worker.app.get(MessagePublisher).publishAll(m, [update('BATCH-3', 1)]);
      await worker.app.get(PostgresMessageLog).append(m, [envelope, envelope]);
      return envelope;
    });
    await publishAll([update('BATCH-3', 2)]);
    await eventually(() => normalized('BATCH-3'), (hours) => hours.length >= 2);
    expect(await normalized('BATCH-3')).toEqual([1, 2]);
    expect((await runs([first.id])).ok).toBe(1);
  });
});

/**
 * A tenant's endpoint for the webhook-relay integration (per-action, its own retry policy): answers
 * each call of a package's version with the next status planned for it, 200 once none is left, and
 * records every call.
 */
async function startEndpoint() {
  const calls: Array<{ trackingId: string; version: number }> = [];
  const plans = new Map<string, number[]>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { trackingId, version } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { trackingId: string; version: number };
      calls.push({ trackingId, version });
      const status = plans.get(`${trackingId}#${version}`)?.shift() ?? 200;
      response.writeHead(status, { 'content-type': 'application/json', 'retry-after': '0' }).end(JSON.stringify({ id: `ext-${calls.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    /** The versions of a package called, in the order the calls came. */
    versionsOf: (trackingId: string) => calls.filter((c) => c.trackingId === trackingId).map((c) => c.version),
    plan: (trackingId: string, version: number, statuses: number[]) => plans.set(`${trackingId}#${version}`, statuses),
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * A batch whose run of one message fails: that run was the message's first attempt. The message is
 * retried from attempt 2 or dead-lettered after it, without its handler running again one by one; its
 * batch-mates are delivered one by one, and later messages of its key wait behind it. On both transports.
 */
describe.each(['postgres', 'kafka'] as const)('integration worker on %s: a batch run that fails is its message\'s first attempt', (transport) => {
  let kafka: TestKafka | undefined;
  let worker: RunningWorker;
  let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
  let tenant: { id: string; apiKey: string };

  const change = (trackingId: string, version: number): OutgoingMessage => ({
    topic: Topics.packageStateChanged,
    data: { trackingId, carrier: 'dhl', occurredAt: '2026-12-06T10:00:00.000Z', to: 'in_transit', version, carrierStatus: 'In Transit' },
    origin: { tenantId: tenant.id },
  });
  /** The relay's runs of a message, in the order they started. */
  const runsOf = (messageId: string) =>
    worker.dataSource.query<{ attempt: number; state: string; error_code: string | null }[]>(
      `SELECT attempt, state, error_code FROM worker.runs WHERE method = 'relay-state-change' AND message_id = $1 ORDER BY started_at, attempt`,
      [messageId],
    );

  beforeAll(async () => {
    endpoint = await startEndpoint();
    if (transport === 'kafka') kafka = await startTestKafka();
    worker = await startWorker(kafka ? { TRIBUTARY_TRANSPORT: 'kafka', KAFKA_BROKERS: kafka.brokers.join(','), KAFKA_PARTITIONS: '2' } : {});
    tenant = await worker.tenant('failed-batches');
    const deployment = await worker.call(tenant.apiKey, 'POST', '/v1/deployments', {
      integration: 'webhook-relay',
      name: 'endpoint',
      config: { url: endpoint.url },
      credentials: { token: 'failed-batches-token' },
      allowPrivateNetwork: true, // the endpoint is on loopback
    });
    expect(deployment.status).toBe(201);
    expect((await worker.call(tenant.apiKey, 'POST', `/v1/deployments/${deployment.body.id}/actions`, { method: 'relay-state-change' })).status).toBe(201);
  });

  afterAll(async () => {
    await worker?.stop();
    await kafka?.stop();
    await endpoint?.stop();
  });

  it('dead-letters a message whose run the endpoint refuses after that one run, its later message relayed after it', async () => {
    endpoint.plan('REFUSED', 1, [400]);
    const [refused, next] = await worker.app.get(MessagePublisher).publishAll(worker.dataSource, [change('REFUSED', 1), change('REFUSED', 2)]);
    await eventually(() => runsOf(next.id), (runs) => runs.some((r) => r.state === 'ok'), { timeoutMs: 30_000 });
    const letters = await worker.dataSource.query(`SELECT attempts, error_code FROM messaging.dead_letters WHERE message_id = $1`, [refused.id]);
    expect(letters).toEqual([{ attempts: 1, error_code: 'upstream_rejected' }]);
    expect(await runsOf(refused.id)).toEqual([{ attempt: 1, state: 'fail', error_code: 'upstream_rejected' }]);
    // Called once (in the batch), not again as "attempt 1" one by one.
    expect(endpoint.versionsOf('REFUSED').filter((v) => v === 1)).toEqual([1]);
    expect(endpoint.versionsOf('REFUSED').at(-1)).toBe(2);
  });

  it('retries a message whose run failed in the batch from attempt 2, its later message waiting behind it', async () => {
    // Three 503s use up the outbound client's attempts: the run fails (retryable) in the batch.
    endpoint.plan('FLAKY', 1, [503, 503, 503]);
    const [flaky, next] = await worker.app.get(MessagePublisher).publishAll(worker.dataSource, [change('FLAKY', 1), change('FLAKY', 2)]);
    await eventually(() => runsOf(next.id), (runs) => runs.some((r) => r.state === 'ok'), { timeoutMs: 30_000 });
    expect(await runsOf(flaky.id)).toEqual([
      { attempt: 1, state: 'fail', error_code: 'upstream_unavailable' },
      { attempt: 2, state: 'ok', error_code: null },
    ]);
    // The first version's three failed calls and its retry's call, then the second version's.
    expect(endpoint.versionsOf('FLAKY')).toEqual([1, 1, 1, 1, 2]);
    expect(await runsOf(next.id)).toEqual([{ attempt: 1, state: 'ok', error_code: null }]);
  });
});
