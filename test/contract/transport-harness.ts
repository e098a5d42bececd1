import { Controller, Inject, Logger, Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, Payload } from '@nestjs/microservices';
import { DatabaseModule } from '@tributary/database';
import {
  connectConsumer,
  createKafka,
  MESSAGING_ENTITIES,
  messagingMigrations,
  MessagingModule,
  OnMessage,
  OnMessages,
  partitionFor,
  PostgresMessageLog,
  RELAY_GROUP,
  toKafkaMessage,
  type RetryPolicy,
  type ConsumerOptions,
  type Envelope,
  type TransportOptions,
} from '@tributary/messaging';
import { CodedErrorFilter } from '@tributary/edge';
import { createTestDatabase, eventually, startTestKafka, type TestDatabase, type TestKafka } from '@tributary/testing';
import { Topics, type CarrierUpdateReceived } from '@tributary/topics';
import { Partitioners } from 'kafkajs';
import { DataSource } from 'typeorm';

/** What a test member does with each delivery; `attempt` is 1 on first delivery to that member; `path` says when it came in a batch. */
export type Handle = (envelope: Envelope<CarrierUpdateReceived>, attempt: number, path?: 'batch') => Promise<void>;

const HANDLE = Symbol('HANDLE');

@Controller()
class ContractConsumer {
  constructor(@Inject(HANDLE) private readonly handle: Handle) {}

  @OnMessage(Topics.carrierUpdateReceived)
  async onUpdate(@Payload() envelope: Envelope<CarrierUpdateReceived>, @Ctx() context: { attempt: number }): Promise<void> {
    await this.handle(envelope, context.attempt);
  }
}

/** The same, with a batch handler too (the batch-first path): it hands each message of a batch to `handle`, attempt 1, as `batch`. */
@Controller()
class BatchContractConsumer {
  constructor(@Inject(HANDLE) private readonly handle: Handle) {}

  @OnMessage(Topics.carrierUpdateReceived)
  async onUpdate(@Payload() envelope: Envelope<CarrierUpdateReceived>, @Ctx() context: { attempt: number }): Promise<void> {
    await this.handle(envelope, context.attempt);
  }

  @OnMessages(Topics.carrierUpdateReceived)
  async onUpdates(@Payload() envelopes: Array<Envelope<CarrierUpdateReceived>>): Promise<void> {
    for (const envelope of envelopes) await this.handle(envelope, 1, 'batch');
  }
}

@Module({})
class ContractApp {
  static forRoot(url: string, transport: TransportOptions, handle: Handle | undefined, batches = false): DynamicModule {
    return {
      module: ContractApp,
      imports: [
        DatabaseModule.forRoot({ name: 'contract', url, entities: MESSAGING_ENTITIES, migrations: messagingMigrations }),
        MessagingModule.forRoot({ source: 'contract', signing: CONTRACT_KEYS, transport, partitions: 4 }),
      ],
      controllers: handle ? [batches ? BatchContractConsumer : ContractConsumer] : [],
      providers: [{ provide: HANDLE, useValue: handle }],
    };
  }
}

export const CONTRACT_KEYS = { active: { id: 'contract-k1', secret: 'contract signing key, for tests only' } };

/** What differs between transports; the contract suite runs the same tests against each. */
export interface TransportHarness {
  readonly name: string;
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
  readonly transport: TransportOptions;
  /** Tuning that keeps failover fast in tests (short leases or session timeouts). */
  readonly tuning: Partial<ConsumerOptions>;
  readonly databaseUrl: string;
  /** Puts a message on its topic as is (unsigned, tampered with), bypassing the publisher. */
  injectRaw(envelope: Envelope): Promise<void>;
  /** The partition a partition key (`tenant:subject`) lands on, as the transport computes it. */
  partitionOf(key: string): number;
  /** Resolves once every message published so far is on the transport (Kafka: relayed from the outbox). */
  published(publisher: INestApplication): Promise<void>;
  /**
   * How long after publishing a delay should end for a running member to have received the message
   * first (Kafka: a relay's partition handoff or a rebalance can hold messages for seconds).
   */
  readonly arrivalMs: number;
}

/** Waits until the Kafka relay's group has committed every partition of the log to its head. */
async function relayed(publisher: INestApplication): Promise<void> {
  const behind = async () =>
    Number(
      (
        await publisher.get(DataSource).query(
          `SELECT count(*) AS n FROM messaging.topic_partitions t
             LEFT JOIN messaging.group_partitions g ON g.group_id = $1 AND g.topic = t.topic AND g.partition = t.partition
            WHERE t.next_offset > 0 AND COALESCE(g.committed_offset, 0) < t.next_offset`,
          [RELAY_GROUP],
        )
      )[0].n,
    );
  await eventually(behind, (n) => n === 0, { timeoutMs: 30_000 });
}

/** An app that only publishes (in Kafka mode it also relays its outbox to Kafka). */
export async function startPublisher(harness: TransportHarness): Promise<INestApplication> {
  const app = await NestFactory.create(ContractApp.forRoot(harness.databaseUrl, harness.transport, undefined), { logger: false });
  await app.init();
  return app;
}

/** A member of `group` running `handle` for each message (and for each of a batch, with `batches`), consuming once this resolves. */
export async function startMember(harness: TransportHarness, group: string, handle: Handle, retry?: RetryPolicy, batches = false): Promise<INestApplication> {
  const app = await NestFactory.create(ContractApp.forRoot(harness.databaseUrl, harness.transport, handle, batches), { logger: process.env.CONTRACT_LOGS ? ['error', 'warn'] : false });
  app.useGlobalFilters(new CodedErrorFilter());
  connectConsumer(app, { group, retry: retry ?? { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 }, pollIntervalMs: 50, ...harness.tuning });
  await app.init();
  await app.startAllMicroservices();
  return app;
}

export function postgresHarness(): TransportHarness {
  let db: TestDatabase;
  return {
    name: 'postgres',
    async setUp() {
      db = await createTestDatabase();
    },
    async tearDown() {
      await db?.drop();
    },
    get transport(): TransportOptions {
      return { kind: 'postgres' };
    },
    tuning: { pollIntervalMs: 50, leaseMs: 1_500 },
    get databaseUrl() {
      return db.url;
    },
    async injectRaw(envelope) {
      const dataSource = new DataSource({ type: 'postgres', url: db.url });
      await dataSource.initialize();
      try {
        await dataSource.transaction((manager) => new PostgresMessageLog(4).append(manager, [envelope]));
      } finally {
        await dataSource.destroy();
      }
    },
    partitionOf: (key) => partitionFor(key, 4),
    published: async () => undefined,
    arrivalMs: 3_000,
  };
}

export function kafkaHarness(): TransportHarness {
  let db: TestDatabase;
  let broker: TestKafka;
  const connection = () => ({ brokers: broker.brokers, clientId: 'contract' });
  return {
    name: 'kafka',
    async setUp() {
      db = await createTestDatabase();
      broker = await startTestKafka();
    },
    async tearDown() {
      await broker?.stop();
      await db?.drop();
    },
    get transport(): TransportOptions {
      return { kind: 'kafka', connection: connection(), partitions: 4, replicationFactor: 1 };
    },
    tuning: { sessionTimeoutMs: 3_000, heartbeatIntervalMs: 300, concurrency: 4 },
    get databaseUrl() {
      return db.url;
    },
    async injectRaw(envelope) {
      const producer = createKafka(connection(), new Logger('contract')).producer();
      await producer.connect();
      try {
        await producer.send({ topic: envelope.type, messages: [toKafkaMessage(envelope)] });
      } finally {
        await producer.disconnect();
      }
    },
    partitionOf(key) {
      const partitionMetadata = [0, 1, 2, 3].map((partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0, offlineReplicas: [] }));
      return Partitioners.DefaultPartitioner()({ topic: 'any', partitionMetadata, message: { key, value: null } });
    },
    published: relayed,
    arrivalMs: 20_000,
  };
}
