import 'reflect-metadata';
import { Controller, Logger, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Payload } from '@nestjs/microservices';
import { DatabaseModule } from '@tributary/database';
import {
  connectConsumer,
  createEnvelope,
  createKafka,
  messagingMigrations,
  MessagingModule,
  MessagePublisher,
  MessageSigner,
  OnMessage,
  toKafkaMessage,
  type Envelope,
  type TransportOptions,
} from '@tributary/messaging';
import { CodedErrorFilter } from '@tributary/edge';
import { createTestDatabase, startKafkaBroker, type KafkaTestBroker } from '@tributary/testing';
import { Topics } from '@tributary/topics';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { againstBaseline, type BenchSettings, type MeasureResult } from './measure.js';

const MESSAGES = 20_000;
const PARTITIONS = 4;
const KEYS = { active: { id: 'bench', secret: 'bench signing key' } };
const quiet = new Logger('bench');

/**
 * Counts consumed messages and when the first and the last arrived: a consumer's rate is taken from
 * its first message to its last, so the group join and the start of either consumer (the framework's
 * starts with its app) do not count against it — only consuming does.
 */
class ConsumeClock {
  count = 0;
  private first = 0;
  private last = 0;
  private readonly startedAt = performance.now();

  tick(): void {
    const now = performance.now();
    if (this.count === 0) this.first = now;
    this.count += 1;
    this.last = now;
  }

  /** Messages a second between the first and the last (the first one starts the clock). */
  rate(): number {
    return (this.count - 1) / ((this.last - this.first) / 1000);
  }

  /** From the clock's creation to the first message: connecting, joining the group, fetching. */
  startupMs(): number {
    return Math.round(this.first - this.startedAt);
  }
}

let consumed = new ConsumeClock();

@Controller()
class NoopHandler {
  @OnMessage(Topics.carrierUpdateReceived)
  handle(@Payload() _envelope: Envelope): void {
    consumed.tick();
  }
}

@Module({})
class BenchApp {
  static forRoot(url: string, transport: TransportOptions, consume: boolean): DynamicModule {
    return {
      module: BenchApp,
      imports: [
        DatabaseModule.forRoot({ name: 'bench', url, entities: [], migrations: messagingMigrations }),
        MessagingModule.forRoot({ source: 'bench', signing: KEYS, transport, partitions: PARTITIONS }),
      ],
      controllers: consume ? [NoopHandler] : [],
    };
  }
}

const envelopes = (n: number, prefix: string): Envelope[] => {
  const signer = new MessageSigner(KEYS);
  return Array.from({ length: n }, (_, i) =>
    signer.sign(
      createEnvelope(
        Topics.carrierUpdateReceived,
        { trackingId: `${prefix}-${i % 500}`, carrier: 'dhl', status: 'in transit', occurredAt: '2026-11-23T10:00:00Z' },
        { source: 'bench', tenantId: '0190f3b4-0000-7000-8000-00000000000b' },
      ),
    ),
  );
};

async function produceRaw(kafka: Kafka, topic: string, batch: Envelope[]): Promise<number> {
  const producer = kafka.producer();
  await producer.connect();
  const started = performance.now();
  for (let i = 0; i < batch.length; i += 500) {
    await producer.send({ topic, acks: -1, messages: batch.slice(i, i + 500).map(toKafkaMessage) });
  }
  const seconds = (performance.now() - started) / 1000;
  await producer.disconnect();
  return batch.length / seconds;
}

async function until(done: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('bench timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Consuming through the framework (a no-op `@OnMessage` handler: signature check, Nest dispatch,
 * offsets committed only after the handler) against a raw kafkajs consumer with a no-op
 * `eachMessage`, both reading the same messages from the same broker in this run.
 */
export async function workerNoopConsume(_settings: BenchSettings): Promise<MeasureResult> {
  return withBroker(async (broker, kafka, url) => {
    const topic = Topics.carrierUpdateReceived.name;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
    await admin.disconnect();
    await produceRaw(kafka, topic, envelopes(MESSAGES, 'PKG'));

    const raw = new ConsumeClock();
    const consumer = kafka.consumer({ groupId: 'bench-raw' });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ partitionsConsumedConcurrently: 4, eachMessage: async () => raw.tick() });
    await until(() => raw.count >= MESSAGES);
    await consumer.disconnect();

    const app = await NestFactory.create(BenchApp.forRoot(url, kafkaTransport(broker), true), { logger: false });
    app.useGlobalFilters(new CodedErrorFilter());
    connectConsumer(app, { group: 'bench-framework', concurrency: 4 });
    await app.init();
    consumed = new ConsumeClock();
    await app.startAllMicroservices();
    await until(() => consumed.count >= MESSAGES);
    await app.close();
    return againstBaseline('worker no-op consume', 'msgs/s', consumed.rate(), raw.rate(), 0.8, {
      messages: MESSAGES,
      partitions: PARTITIONS,
      rate: 'first message to last, for both',
      startupMs: { framework: consumed.startupMs(), baseline: raw.startupMs() },
    });
  });
}

/**
 * Publishing through the framework (the transactional outbox, then the relay to Kafka, until the
 * last message is in Kafka) against a raw kafkajs producer sending the same messages in batches.
 */
export async function producerThroughput(_settings: BenchSettings): Promise<MeasureResult> {
  return withBroker(async (broker, kafka, url) => {
    const rawRate = await produceRaw(kafka, 'bench.raw', envelopes(MESSAGES, 'RAW'));
    const app = await NestFactory.create(BenchApp.forRoot(url, kafkaTransport(broker), false), { logger: false });
    await app.init();
    const publisher = app.get(MessagePublisher);
    const dataSource = app.get(DataSource);
    const topic = Topics.carrierUpdateReceived.name;
    const start = performance.now();
    for (let i = 0; i < MESSAGES; i += 500) {
      await dataSource.transaction((manager) =>
        publisher.publishAll(
          manager,
          Array.from({ length: Math.min(500, MESSAGES - i) }, (_, j) => ({
            topic: Topics.carrierUpdateReceived,
            data: { trackingId: `OUT-${(i + j) % 500}`, carrier: 'dhl', status: 'in transit', occurredAt: '2026-11-23T10:00:00Z' },
            origin: { tenantId: '0190f3b4-0000-7000-8000-00000000000b' },
          })),
        ),
      );
    }
    await until(async () => (await inKafka(kafka, topic)) >= MESSAGES);
    const rate = MESSAGES / ((performance.now() - start) / 1000);
    await app.close();
    return againstBaseline('producer (outbox + relay)', 'msgs/s', rate, rawRate, 0.8, { messages: MESSAGES });
  });
}

async function inKafka(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

const kafkaTransport = (broker: KafkaTestBroker): TransportOptions => ({
  kind: 'kafka',
  connection: { brokers: broker.brokers, clientId: 'bench' },
  partitions: PARTITIONS,
  replicationFactor: 1,
});

async function withBroker<T>(run: (broker: KafkaTestBroker, kafka: Kafka, databaseUrl: string) => Promise<T>): Promise<T> {
  const broker = await startKafkaBroker();
  const db = await createTestDatabase();
  try {
    return await run(broker, createKafka({ brokers: broker.brokers, clientId: 'bench' }, quiet), db.url);
  } finally {
    await db.drop();
    await broker.stop();
  }
}
