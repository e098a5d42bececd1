import { MessagePublisher, PostgresMessageLog, type OutgoingMessage } from '@tributary/messaging';
import { eventually } from '@tributary/testing';
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
