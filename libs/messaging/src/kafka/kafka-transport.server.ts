import { BaseRpcContext } from '@nestjs/microservices';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { recordDeadLetter } from '../consumer/dead-letters.js';
import type { DeliveryObserver } from '../consumer/delivery-observer.js';
import { deliverWithRetry, retryWarning } from '../consumer/deliver-with-retry.js';
import { EnvelopeServer } from '../consumer/envelope-server.js';
import type { Envelope } from '../envelope/envelope.js';
import { Wakeup } from '../postgres/wakeup.js';
import { defaultRetryPolicy, describeError, type RetryPolicy } from '../retry-policy.js';
import type { MessageSigner } from '../signing/message-signer.js';
import { createKafka, type KafkaConnectionOptions } from './kafka-connection.js';
import { fromKafkaMessage } from './kafka-envelope.js';
import { provisionKafkaTopics } from './kafka-topics.js';

export const KAFKA_TRANSPORT = Symbol('tributary-kafka-transport');

export interface KafkaTransportOptions {
  readonly connection: KafkaConnectionOptions;
  /** The consumer group: one per app. */
  readonly group: string;
  readonly signer: MessageSigner;
  /** Where dead letters are recorded (the same table as on the postgres transport). */
  readonly dataSource: DataSource;
  readonly retry?: RetryPolicy;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Partitions handled at once by this member (each in order). */
  readonly concurrency?: number;
  readonly sessionTimeoutMs?: number;
  readonly maxWaitMs?: number;
  readonly observer?: DeliveryObserver;
  readonly heartbeatIntervalMs?: number;
}

/** What a handler can learn about the Kafka message it is handling (`@Ctx() ctx: KafkaEnvelopeContext`). */
export class KafkaEnvelopeContext extends BaseRpcContext<[{ topic: string; partition: number; offset: string }, number]> {
  get message(): { topic: string; partition: number; offset: string } {
    return this.args[0];
  }
  get attempt(): number {
    return this.args[1];
  }
}

/**
 * The `kafka` transport's consumer: a custom strategy on kafkajs rather than Nest's `ServerKafka`,
 * because the guarantees need control Nest's does not give — offsets are committed by hand, after
 * the handler's effect (or the dead letter) is durable; a failing message is retried in place with
 * heartbeats (per-key order); signatures are verified before any handler runs; and on shutdown the
 * consumer stops fetching, lets the message in hand finish, commits and leaves the group.
 */
export class KafkaTransportServer extends EnvelopeServer {
  override readonly transportId = KAFKA_TRANSPORT;
  private readonly kafka: Kafka;
  private consumer?: Consumer;
  private running = false;
  private readonly backoffs = new Set<Wakeup>();
  private readonly retry: RetryPolicy;

  constructor(private readonly options: KafkaTransportOptions) {
    super();
    this.kafka = createKafka(options.connection, this.logger);
    this.retry = options.retry ?? defaultRetryPolicy;
  }

  override unwrap<T>(): T {
    return this.kafka as T;
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.backoffs.forEach((w) => w.signal());
    await this.consumer?.disconnect();
  }

  private async start(): Promise<void> {
    const topics = this.subscribedTopics;
    this.running = true;
    if (topics.length === 0) return;
    await provisionKafkaTopics(this.kafka, topics, this.options.partitions, this.options.replicationFactor);
    const consumer = this.kafka.consumer({
      groupId: this.options.group,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: this.options.heartbeatIntervalMs ?? 3_000,
      maxWaitTimeInMs: this.options.maxWaitMs ?? 1_000,
      retry: { initialRetryTime: 200, maxRetryTime: 5_000, retries: Number.MAX_SAFE_INTEGER },
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      // Offsets are committed only once resolved, and a message is resolved only after its effect
      // (or dead letter) is durable: kafkajs then commits the resolved position every second or
      // hundred messages, and on shutdown — never past a message in hand.
      autoCommit: true,
      autoCommitInterval: 1_000,
      autoCommitThreshold: 100,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.concurrency ?? 4,
      eachBatch: (payload) => this.consumeBatch(payload),
    });
  }

  private async consumeBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    let lastBeat = Date.now();
    for (const message of batch.messages) {
      if (!this.running || !isRunning() || isStale()) return;
      const where = `${topic}#${partition}@${message.offset}`;
      const coordinates = { topic, partition, offset: message.offset };
      const handled = await deliverWithRetry({
        retry: this.retry,
        attempt: async (attempt) => {
          const envelope = this.options.signer.verify(fromKafkaMessage(message));
          await this.handle(topic, envelope, new KafkaEnvelopeContext([coordinates, attempt]));
        },
        deadLetter: (error, attempts) => {
          this.logger.error(`${where} dead-lettered after ${attempts} attempt(s): ${describeError(error).code}`);
          return recordDeadLetter(this.options.dataSource, deadLetterOf(this.options.group, topic, partition, message, error, attempts));
        },
        backoff: (ms) => this.backoff(ms, heartbeat),
        stillOwned: () => this.running && isRunning() && !isStale(),
        onRetry: (error, attempt) => this.logger.warn(retryWarning(where, error, attempt)),
        observe: (outcome, seconds) => this.options.observer?.observe(topic, this.options.group, outcome, seconds),
      });
      if (!handled) return;
      resolveOffset(message.offset);
      if (Date.now() - lastBeat > 1_000) {
        lastBeat = Date.now();
        await heartbeat();
      }
    }
  }

  /** Waits between attempts, heartbeating so the group does not think this member died. */
  private async backoff(ms: number, heartbeat: () => Promise<void>): Promise<void> {
    const wakeup = new Wakeup();
    this.backoffs.add(wakeup);
    try {
      const until = Date.now() + ms;
      while (this.running && Date.now() < until) {
        await wakeup.wait(Math.min(1_000, until - Date.now()));
        await heartbeat().catch(() => undefined);
      }
    } finally {
      this.backoffs.delete(wakeup);
    }
  }
}

function deadLetterOf(group: string, topic: string, partition: number, message: KafkaMessage, error: unknown, attempts: number) {
  let envelope: Partial<Envelope> | { raw: string | null };
  try {
    envelope = fromKafkaMessage(message);
  } catch {
    envelope = { raw: message.value?.toString('utf8') ?? null };
  }
  const id = 'id' in envelope ? envelope.id : undefined;
  const tenant = 'tenantid' in envelope ? envelope.tenantid : undefined;
  return { group, topic, partition, offset: message.offset, messageId: id ?? '', tenantId: tenant ?? null, envelope, error, attempts };
}
