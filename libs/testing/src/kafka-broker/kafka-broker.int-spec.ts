import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  CompressionTypes,
  Kafka,
  logLevel,
  Partitioners,
  type Admin,
  type Consumer,
  type ConsumerConfig,
  type IHeaders,
  type LogEntry,
  type Producer,
} from 'kafkajs';
import { eventually, sleep } from '../eventually.js';
import { startKafkaBroker, type KafkaTestBroker } from './kafka-broker.js';

// Short group timings keep rebalances (and the whole file) quick on a 2-core machine.
const GROUP_TIMINGS = { sessionTimeout: 6_000, rebalanceTimeout: 6_000, heartbeatInterval: 500, maxWaitTimeInMs: 500 };

interface Received {
  readonly partition: number;
  readonly offset: bigint;
  readonly key: string | null;
  readonly value: string;
  readonly headers: IHeaders;
}

interface RunningConsumer {
  readonly consumer: Consumer;
  readonly received: Received[];
  /** The partitions of the topic this member got in its latest join. */
  assigned(): number[];
}

// kafkajs and broker logs are kept in memory and printed only for a failing test.
const logs: string[] = [];
const levelName = (level: logLevel) => Object.entries(logLevel).find(([, value]) => value === level)?.[0] ?? String(level);
const logCreator = () => (entry: LogEntry) => {
  const { message, ...extra } = entry.log;
  logs.push(`kafkajs ${levelName(entry.level)} [${entry.namespace}] ${message} ${JSON.stringify(extra)}`);
};

let broker: KafkaTestBroker;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  broker = await startKafkaBroker({ log: (message) => logs.push(`broker ${message}`) });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

afterAll(async () => {
  await broker?.stop();
});

/** A test whose kafkajs and broker logs are printed if (and only if) it fails. */
function scenario(name: string, body: () => Promise<void>): void {
  it(name, async () => {
    logs.length = 0;
    try {
      await body();
    } catch (error) {
      console.error(`logs of "${name}":\n${logs.join('\n')}`);
      throw error;
    }
  });
}

const unique = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

function kafka(clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: broker.brokers,
    logLevel: logLevel.INFO,
    logCreator,
    retry: { initialRetryTime: 100, retries: 8 },
  });
}

async function connectAdmin(): Promise<Admin> {
  const admin = kafka(unique('admin')).admin();
  await admin.connect();
  cleanups.push(() => admin.disconnect());
  return admin;
}

async function connectProducer(): Promise<Producer> {
  const producer = kafka(unique('producer')).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  cleanups.push(() => producer.disconnect());
  return producer;
}

async function createTopic(topic: string, numPartitions: number): Promise<void> {
  const admin = await connectAdmin();
  await admin.createTopics({ topics: [{ topic, numPartitions }] });
}

async function startConsumer(
  topic: string,
  config: Omit<ConsumerConfig, 'groupId'> & { groupId: string; clientId?: string; autoCommit?: boolean },
  onMessage: (received: Received, consumer: Consumer) => Promise<void> = async () => undefined,
): Promise<RunningConsumer> {
  const { clientId = unique('consumer'), autoCommit = true, ...consumerConfig } = config;
  const consumer = kafka(clientId).consumer({ ...GROUP_TIMINGS, ...consumerConfig });
  const received: Received[] = [];
  let assigned: number[] = [];
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    assigned = [...(payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
  });
  await consumer.connect();
  cleanups.push(() => consumer.disconnect());
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit,
    eachMessage: async ({ partition, message }) => {
      const record: Received = {
        partition,
        offset: BigInt(message.offset),
        key: message.key?.toString() ?? null,
        value: message.value?.toString() ?? '',
        headers: message.headers ?? {},
      };
      received.push(record);
      await onMessage(record, consumer);
    },
  });
  return { consumer, received, assigned: () => assigned };
}

const values = (received: readonly Received[]) => received.map((r) => r.value);

describe('Kafka test broker (through kafkajs)', () => {
  scenario('delivers keyed records with headers across partitions, gzip included, in order per partition', async () => {
    const topic = unique('orders');
    await createTopic(topic, 3);
    const producer = await connectProducer();
    const message = (i: number) => ({
      key: `key-${i % 5}`,
      value: `value-${i}`,
      headers: { seq: String(i), tags: ['a', 'b'] },
    });
    const first = Array.from({ length: 20 }, (_, i) => message(i));
    const second = Array.from({ length: 20 }, (_, i) => message(20 + i));
    await producer.send({ topic, compression: CompressionTypes.GZIP, messages: first });
    await producer.send({ topic, messages: second });

    const { received } = await startConsumer(topic, { groupId: unique('group') });
    await eventually(async () => received.length, (n) => n >= 40);

    expect(values(received).sort()).toEqual([...first, ...second].map((m) => m.value).sort());
    for (const record of received) {
      expect(record.headers.seq?.toString()).toBe(record.value.replace('value-', ''));
      expect((record.headers.tags as Buffer[]).map(String)).toEqual(['a', 'b']);
    }
    for (let partition = 0; partition < 3; partition++) {
      const inPartition = received.filter((r) => r.partition === partition);
      const sequence = inPartition.map((r) => Number(r.headers.seq?.toString()));
      expect(sequence).toEqual([...sequence].sort((a, b) => a - b)); // produced order is kept per partition
      expect(inPartition.map((r) => r.offset)).toEqual(inPartition.map((_, i) => BigInt(i)));
      expect(broker.messages(topic, partition).map((m) => m.value?.toString())).toEqual(values(inPartition));
    }
    const partitionsOfKey = new Map<string, Set<number>>();
    for (const r of received) partitionsOfKey.set(r.key!, (partitionsOfKey.get(r.key!) ?? new Set()).add(r.partition));
    expect([...partitionsOfKey.values()].every((partitions) => partitions.size === 1)).toBe(true);
  });

  scenario('lets the admin create, list, describe and delete topics and read their offsets', async () => {
    const admin = await connectAdmin();
    const [kept, dropped] = [unique('kept'), unique('dropped')];

    expect(await admin.createTopics({ topics: [{ topic: kept, numPartitions: 2 }, { topic: dropped }] })).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic: kept, numPartitions: 2 }] })).toBe(false); // already exists
    await expect(admin.createTopics({ topics: [{ topic: unique('replicated'), replicationFactor: 3 }] })).rejects.toMatchObject({
      errors: [expect.objectContaining({ type: 'INVALID_REPLICATION_FACTOR' })], // one broker, one replica
    });
    expect(await admin.listTopics()).toEqual(expect.arrayContaining([kept, dropped]));

    const { topics } = await admin.fetchTopicMetadata({ topics: [kept] });
    expect(topics).toEqual([
      {
        name: kept,
        partitions: [0, 1].map((partitionId) => expect.objectContaining({ partitionId, leader: 1, replicas: [1], isr: [1] })),
      },
    ]);

    const producer = await connectProducer();
    await producer.send({ topic: kept, messages: [1, 2, 3].map((i) => ({ partition: 1, value: `m${i}` })) });
    expect(await admin.fetchTopicOffsets(kept)).toEqual([
      { partition: 0, offset: '0', high: '0', low: '0' },
      { partition: 1, offset: '3', high: '3', low: '0' },
    ]);

    await admin.deleteTopics({ topics: [dropped] });
    expect(await admin.listTopics()).not.toContain(dropped);
    expect(broker.topics()).toContain(kept);
    expect(broker.topics()).not.toContain(dropped);
  });

  scenario('creates a topic on first use, or answers UNKNOWN_TOPIC_OR_PARTITION when auto-creation is off', async () => {
    const topic = unique('implicit');
    const producer = await connectProducer();
    await producer.send({ topic, messages: [{ value: 'first' }] });
    expect(broker.topics()).toContain(topic);
    expect(broker.messages(topic, 0).map((m) => m.value?.toString())).toEqual(['first']);

    const strict = await startKafkaBroker({ autoCreateTopics: false });
    cleanups.push(() => strict.stop());
    const strictClient = new Kafka({ clientId: unique('strict'), brokers: strict.brokers, logCreator, retry: { retries: 0 } });
    const strictProducer = strictClient.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await strictProducer.connect();
    cleanups.push(() => strictProducer.disconnect());
    await expect(strictProducer.send({ topic: unique('missing'), messages: [{ value: 'lost' }] })).rejects.toMatchObject({
      cause: { type: 'UNKNOWN_TOPIC_OR_PARTITION' },
    });
    expect(strict.topics()).toEqual([]);
  });

  scenario('answers OFFSET_OUT_OF_RANGE for a committed offset past the end, so the consumer falls back to its reset policy', async () => {
    const topic = unique('short');
    const groupId = unique('group');
    await createTopic(topic, 1);
    const producer = await connectProducer();
    await producer.send({ topic, messages: ['a', 'b', 'c'].map((value) => ({ value })) });
    const admin = await connectAdmin();
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '100' }] });
    expect(broker.committedOffset(groupId, topic, 0)).toBe(100n);

    const { received } = await startConsumer(topic, { groupId });

    await eventually(async () => values(received), (v) => v.length >= 3);
    expect(values(received)).toEqual(['a', 'b', 'c']);
  });

  scenario('resumes a restarted consumer right after its last manual commit', async () => {
    const topic = unique('ledger');
    const groupId = unique('group');
    await createTopic(topic, 1);
    const producer = await connectProducer();
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `entry-${i}` })) });

    // Reads everything but commits only past the first four entries.
    const first = await startConsumer(topic, { groupId, autoCommit: false }, async (record, consumer) => {
      if (record.offset === 3n) await consumer.commitOffsets([{ topic, partition: 0, offset: '4' }]);
    });
    await eventually(async () => first.received.length, (n) => n >= 10);
    await first.consumer.disconnect();
    expect(broker.committedOffset(groupId, topic, 0)).toBe(4n);
    expect(broker.groupMembers(groupId)).toEqual([]);

    const second = await startConsumer(topic, { groupId, autoCommit: false });
    await eventually(async () => second.received.length, (n) => n >= 6);
    await sleep(500); // nothing before the commit may follow
    expect(values(second.received)).toEqual(['entry-4', 'entry-5', 'entry-6', 'entry-7', 'entry-8', 'entry-9']);
  });

  scenario('splits the partitions between two members of a group and delivers each record once', async () => {
    const topic = unique('shared');
    const groupId = unique('group');
    await createTopic(topic, 4);
    const one = await startConsumer(topic, { groupId });
    const two = await startConsumer(topic, { groupId });
    await eventually(
      async () => [one.assigned(), two.assigned()],
      ([a, b]) => a.length > 0 && b.length > 0 && a.length + b.length === 4 && new Set([...a, ...b]).size === 4,
    );

    const producer = await connectProducer();
    const sent = Array.from({ length: 40 }, (_, i) => ({ partition: i % 4, value: `job-${i}` }));
    await producer.send({ topic, messages: sent });

    await eventually(async () => one.received.length + two.received.length, (n) => n >= 40);
    await sleep(500); // a duplicate would show up here
    expect([...values(one.received), ...values(two.received)].sort()).toEqual(sent.map((m) => m.value).sort());
    expect(one.received.every((r) => one.assigned().includes(r.partition))).toBe(true);
    expect(two.received.every((r) => two.assigned().includes(r.partition))).toBe(true);
    expect(broker.groupMembers(groupId)).toHaveLength(2);
    expect(await one.consumer.describeGroup()).toMatchObject({ state: 'Stable', members: [expect.anything(), expect.anything()] });
  });

  scenario('hands the partitions of a member that dies without leaving to the survivor after its session timeout', async () => {
    const topic = unique('handover');
    const groupId = unique('group');
    const doomed = unique('doomed');
    await createTopic(topic, 2);
    const timings = { groupId, sessionTimeout: 3_000, heartbeatInterval: 300, maxWaitTimeInMs: 300 };
    const survivor = await startConsumer(topic, timings);
    // Once cut off it crashes; restarting would only leave a client retrying in the background.
    const victim = await startConsumer(topic, { ...timings, clientId: doomed, retry: { retries: 8, restartOnFailure: async () => false } });
    await eventually(async () => [survivor.assigned(), victim.assigned()], ([a, b]) => a.length === 1 && b.length === 1);
    cleanups.push(async () => broker.unblockClient(doomed)); // lets its disconnect leave cleanly

    // The victim's connections are cut and it can reach the broker no more: no heartbeat, no LeaveGroup.
    broker.blockClient(doomed);
    const producer = await connectProducer();
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ partition: i % 2, value: `task-${i}` })) });

    await eventually(async () => survivor.received.length, (n) => n >= 10, { timeoutMs: 20_000 });
    expect(values(survivor.received).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `task-${i}`).sort());
    expect(survivor.assigned()).toEqual([0, 1]);
    expect(broker.groupMembers(groupId)).toHaveLength(1);
    expect(victim.received).toEqual([]);
  });

  scenario('holds a fetch until a record arrives instead of answering empty at once (long polling)', async () => {
    const topic = unique('quiet');
    await createTopic(topic, 1);
    let fetchesAnswered = 0;
    const waiting = await startConsumer(topic, { groupId: unique('group'), maxWaitTimeInMs: 20_000 });
    waiting.consumer.on(waiting.consumer.events.REQUEST, ({ payload }) => {
      if (payload.apiName === 'Fetch') fetchesAnswered += 1;
    });
    await eventually(async () => waiting.assigned(), (partitions) => partitions.length === 1);

    await sleep(1_000);
    expect(fetchesAnswered).toBe(0); // a broker without long polling would have answered many empty fetches by now

    const producer = await connectProducer();
    await producer.send({ topic, messages: [{ value: 'wake up' }] });
    // Well inside the 20 s max wait: the held fetch was answered by the append, not by its timeout.
    await eventually(async () => values(waiting.received), (v) => v.length === 1, { timeoutMs: 5_000 });
    expect(values(waiting.received)).toEqual(['wake up']);
    expect(fetchesAnswered).toBe(1);

    // Stopping waits for the fetch in flight, which would be held for the full 20 s: one more record answers it.
    const stopped = waiting.consumer.stop();
    await producer.send({ topic, messages: [{ value: 'good night' }] });
    await stopped;
  });

  scenario('keeps every acknowledged record through an outage: producer and consumer reconnect by themselves', async () => {
    const topic = unique('outage');
    await createTopic(topic, 2);
    const { received } = await startConsumer(topic, { groupId: unique('group') });
    const producer = await connectProducer();

    const acknowledged: string[] = [];
    let producing = true;
    const loop = (async () => {
      for (let i = 0; producing; i++) {
        const value = `event-${i}`;
        try {
          await producer.send({ topic, messages: [{ key: String(i), value }] });
          acknowledged.push(value);
        } catch {
          // Not acknowledged, so not promised: the assertion only covers acknowledged records.
        }
        await sleep(20);
      }
    })();

    await eventually(async () => acknowledged.length, (n) => n >= 10);
    await broker.pause();
    await sleep(1_500);
    await broker.resume();
    const afterOutage = acknowledged.length;
    await eventually(async () => acknowledged.length, (n) => n >= afterOutage + 10, { timeoutMs: 20_000 });
    producing = false;
    await loop;

    await eventually(
      async () => new Set(values(received)),
      (seen) => acknowledged.every((value) => seen.has(value)),
      { timeoutMs: 20_000 },
    );
  });
});
