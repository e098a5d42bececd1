import { randomUUID } from 'node:crypto';
import { MessagePublisher, MessageSigner, PostgresMessageLog, type Envelope, type OutgoingMessage } from '@tributary/messaging';
import { eventually, LogCapture } from '@tributary/testing';
import { Topics } from '@tributary/topics';
import { eventStoreFixture, type EventStoreFixture, type RunningEventStore } from '../../../../../test/support/event-store-fixture.js';
import { EVENT_STORE_GROUP } from '../../event-store.app.js';

const TOPIC = Topics.carrierUpdateReceived;

/**
 * The event store's batch-first consumption: a partition's batch is appended in one statement (one
 * transaction); a batch holding a message that cannot be appended is appended one by one, the bad
 * message alone dead-lettered; one stream's events keep the order of its messages across batches;
 * a redelivered batch appends nothing.
 */
describe('event store: consumed messages appended a batch at a time', () => {
  let fixture: EventStoreFixture;
  let store: RunningEventStore;
  let publisher: MessagePublisher;
  let log: PostgresMessageLog;
  const tenantId = randomUUID();
  const logs = new LogCapture();

  const update = (trackingId: string, n: number): OutgoingMessage => ({
    topic: TOPIC,
    data: { trackingId, carrier: 'DHL', status: `scan ${n}`, occurredAt: '2026-12-06T10:00:00Z' },
    origin: { tenantId },
  });
  /** Status texts of a stream's events in stream order, and the transactions they were appended in. */
  const stream = async (trackingId: string) => {
    const rows = await store.dataSource.query<{ status: string; transaction_id: string }[]>(
      `SELECT data->>'status' AS status, transaction_id::text FROM event_store.events WHERE stream_id = $1 ORDER BY stream_version`,
      [`tracking-${trackingId}`],
    );
    return { statuses: rows.map((r) => r.status), transactions: new Set(rows.map((r) => r.transaction_id)).size };
  };
  /** Every message of the topic consumed by the event store (its group's offsets at the log's heads). */
  const drained = () =>
    eventually(
      async () =>
        (
          await store.dataSource.query<{ behind: string }[]>(
            `SELECT count(*) AS behind FROM messaging.topic_partitions tp
               JOIN messaging.group_partitions gp ON gp.topic = tp.topic AND gp.partition = tp.partition AND gp.group_id = $1
              WHERE tp.topic = $2 AND gp.committed_offset < tp.next_offset`,
            [EVENT_STORE_GROUP, TOPIC.name],
          )
        )[0].behind,
      (behind) => Number(behind) === 0,
      { timeoutMs: 30_000 },
    );

  beforeAll(async () => {
    fixture = await eventStoreFixture();
    store = await fixture.start({}, undefined, logs);
    log = new PostgresMessageLog(8);
    publisher = new MessagePublisher('test', new MessageSigner({ active: { id: fixture.secrets.TRIBUTARY_SIGNING_KEY_ID, secret: fixture.secrets.TRIBUTARY_SIGNING_KEY } }), log);
  });

  afterAll(async () => {
    await fixture?.drop();
  });

  it('appends a batch of 100 messages of one partition in one transaction, in order', async () => {
    await publisher.publishAll(store.dataSource, Array.from({ length: 100 }, (_, i) => update('BATCH', i)));
    await drained();
    expect(await stream('BATCH')).toEqual({ statuses: Array.from({ length: 100 }, (_, i) => `scan ${i}`), transactions: 1 });
  });

  it('appends one by one around a message that cannot be appended: it alone is dead-lettered', async () => {
    const messages = Array.from({ length: 50 }, (_, i) => update('POISON', i));
    // Signed, but not a valid carrier update: the event store refuses its payload.
    messages[25] = { ...messages[25], data: { trackingId: 'POISON', carrier: 'DHL' } as never };
    const [poison] = (await publisher.publishAll(store.dataSource, messages)).slice(25, 26);
    await drained();
    const expected = Array.from({ length: 50 }, (_, i) => `scan ${i}`).filter((_, i) => i !== 25);
    expect(await stream('POISON')).toEqual({ statuses: expected, transactions: 49 });
    const letters = await store.dataSource.query<{ message_id: string; error_code: string }[]>(
      `SELECT message_id, error_code FROM messaging.dead_letters WHERE group_id = $1`,
      [EVENT_STORE_GROUP],
    );
    expect(letters).toEqual([{ message_id: poison.id, error_code: 'payload_invalid' }]);
    expect(logs.lines.some((line) => line.includes('the batch failed (payload_invalid); delivering its messages one by one'))).toBe(true);
  });

  it("keeps one stream's order across batch boundaries (batches of at most 100, appends of 70, 110 and 70)", async () => {
    const sizes = [70, 110, 70];
    let n = 0;
    for (const size of sizes) {
      await publisher.publishAll(store.dataSource, Array.from({ length: size }, () => update('ORDER', n++)));
    }
    await drained();
    const { statuses, transactions } = await stream('ORDER');
    expect(statuses).toEqual(Array.from({ length: 250 }, (_, i) => `scan ${i}`));
    expect(transactions).toBeGreaterThanOrEqual(3);
    expect(transactions).toBeLessThan(250);
  });

  it('appends nothing when a batch is delivered again (the same envelopes, redelivered)', async () => {
    const envelopes: Envelope[] = await publisher.publishAll(store.dataSource, Array.from({ length: 30 }, (_, i) => update('AGAIN', i)));
    await drained();
    await log.append(store.dataSource, envelopes);
    await log.append(store.dataSource, envelopes.slice(10, 20));
    await drained();
    expect((await stream('AGAIN')).statuses).toEqual(Array.from({ length: 30 }, (_, i) => `scan ${i}`));
  });
});
