import { BaseRpcContext } from '@nestjs/microservices';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { recordDeadLetter } from '../consumer/dead-letters.js';
import type { DeliveryObserver } from '../consumer/delivery-observer.js';
import { backoffDelay } from '../retry-policy.js';
import { DurableDelivery, type InboundMessage } from '../consumer/durable-delivery.js';
import { EnvelopeServer } from '../consumer/envelope-server.js';
import { partitionKeyOf, type Envelope } from '../envelope/envelope.js';
import { Wakeup } from '../postgres/wakeup.js';
import { defaultRetryPolicy, describeError, type RetryPolicy } from '../retry-policy.js';
import type { MessageSigner } from '../signing/message-signer.js';
import { createKafka, type KafkaConnectionOptions } from './kafka-connection.js';
import { fromKafkaMessage } from './kafka-envelope.js';
import { provisionKafkaTopics } from './kafka-topics.js';

/** The most messages of a fetched batch handed to the batch-first path at once (the postgres transport reads as many). */
const BATCH_RUN = 100;

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
  /** How often this member looks for retries that are due (in-process deferrals wake it at once). */
  readonly pollIntervalMs?: number;
  /** How long a member owns a retry it claimed. */
  readonly retryLeaseMs?: number;
  /** Where the group starts on a partition it has no committed offset on: where this group's is (see `ConsumerOptions.startFromGroup`). */
  readonly startFromGroup?: string;
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
  private durable?: DurableDelivery;
  private joined = false;
  private crashed?: string;

  constructor(private readonly options: KafkaTransportOptions) {
    super();
    this.kafka = createKafka(options.connection, this.logger);
    this.retry = options.retry ?? defaultRetryPolicy;
  }

  get group(): string {
    return this.options.group;
  }

  /** For readiness (see TransportReadiness): a member that has joined its group and has not crashed for good. */
  notReady(): string | undefined {
    if (!this.running) return 'not consuming';
    if (this.crashed) return `crashed: ${this.crashed}`;
    return this.joined || this.subscribedTopics.length === 0 ? undefined : 'not yet in its group';
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
    // The retry loop stops claiming at once; the consumer finishes the message in hand and leaves the group.
    await Promise.all([this.durable?.close(), this.consumer?.disconnect()]);
  }

  private async start(): Promise<void> {
    const topics = this.subscribedTopics;
    this.running = true;
    if (topics.length === 0) return;
    await provisionKafkaTopics(this.kafka, topics, this.options.partitions, this.options.replicationFactor);
    if (this.options.startFromGroup) await this.startFrom(this.options.startFromGroup, topics);
    this.durable = new DurableDelivery({
      dataSource: this.options.dataSource,
      group: this.options.group,
      topics,
      retry: this.retry,
      memberId: `${this.options.group}-${randomUUID()}`,
      logger: this.logger,
      observer: this.options.observer,
      pollIntervalMs: this.options.pollIntervalMs,
      leaseMs: this.options.retryLeaseMs,
      run: async (message, attempt) => {
        const envelope = this.options.signer.verify(message.envelope as Envelope);
        const coordinates = { topic: message.topic, partition: message.partition, offset: String(message.offset) };
        await this.handle(message.topic, envelope, new KafkaEnvelopeContext([coordinates, attempt]));
      },
      verify: (message) => void this.options.signer.verify(message.envelope as Envelope),
      runBatch: this.batchRunner(this.options.signer),
    });
    this.durable.start();
    const consumer = this.kafka.consumer({
      groupId: this.options.group,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: this.options.heartbeatIntervalMs ?? 3_000,
      maxWaitTimeInMs: this.options.maxWaitMs ?? 1_000,
      retry: { initialRetryTime: 200, maxRetryTime: 5_000, retries: Number.MAX_SAFE_INTEGER },
    });
    this.consumer = consumer;
    // A new assignment: what this member knew of its partitions' deferred keys may be stale.
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joined = true;
      this.crashed = undefined;
      this.durable?.forget();
    });
    // kafkajs restarts a crashed consumer unless the error is not retriable: then it stays down.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.crashed = payload.error.message;
    });
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

  /**
   * Gives this group, on each partition where it has no committed offset, `peer`'s committed offset
   * (see `ConsumerOptions.startFromGroup`); partitions `peer` has none on either start at the
   * beginning (`fromBeginning`). Done before joining: the broker takes offsets only for a group with
   * no member — should another replica have joined first, it has set them already.
   */
  private async startFrom(peer: string, topics: readonly string[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const own = await admin.fetchOffsets({ groupId: this.options.group, topics: [...topics] });
      const theirs = await admin.fetchOffsets({ groupId: peer, topics: [...topics] });
      for (const { topic, partitions } of theirs) {
        const unset = new Set(own.find((t) => t.topic === topic)?.partitions.filter((p) => Number(p.offset) < 0).map((p) => p.partition) ?? []);
        const seek = partitions.filter((p) => Number(p.offset) >= 0 && unset.has(p.partition)).map((p) => ({ partition: p.partition, offset: p.offset }));
        if (seek.length === 0) continue;
        await admin
          .setOffsets({ groupId: this.options.group, topic, partitions: seek })
          .catch((error: unknown) => this.logger.warn(`${this.options.group} could not start ${topic} where ${peer} stands: ${describeError(error).message}`));
      }
    } finally {
      await admin.disconnect();
    }
  }

  private async consumeBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const durable = this.durable!;
    const stillOwned = () => this.running && isRunning() && !isStale();
    const parsed = batch.messages.map((message) => inbound(this.options.group, topic, partition, message));
    let lastBeat = Date.now();
    // A database failure (not a handler's: those are deferred or dead-lettered) holds the partition.
    for (let failures = 0; ; failures++) {
      try {
        await durable.prepare(topic, partition);
        break;
      } catch (error) {
        this.logger.warn(`Could not prepare ${topic}#${partition}: ${describeError(error).message}`);
        await this.backoff(backoffDelay(this.retry, failures + 1), heartbeat);
        if (!stillOwned()) return;
      }
    }
    // Runs of up to BATCH_RUN messages go batch-first (see DurableDelivery.deliverAll); a message that is
    // not a CloudEvent of ours is dead-lettered in its place.
    let run: InboundMessage[] = [];
    const flush = async (): Promise<boolean> => {
      if (run.length === 0) return true;
      const items = run;
      run = [];
      let done = 0;
      // One by one, a run of 100 may outlast the session timeout: heartbeat between messages, at most once a second.
      const beat = async () => {
        if (Date.now() - lastBeat < 1_000) return;
        lastBeat = Date.now();
        await heartbeat();
      };
      const deliver = async () => void (done = await durable.deliverAll(items, stillOwned, beat));
      if (!(await this.untilRecorded(deliver, `${topic}#${partition}@${items[0].offset}+${items.length}`, heartbeat, stillOwned))) return false;
      if (done > 0) resolveOffset(String(items[done - 1].offset));
      if (done < items.length) return false;
      if (Date.now() - lastBeat > 1_000) {
        lastBeat = Date.now();
        await heartbeat();
      }
      return true;
    };
    for (const [i, message] of batch.messages.entries()) {
      if (!stillOwned()) return;
      const item = parsed[i];
      if ('key' in item) {
        run.push(item);
        if (run.length >= BATCH_RUN && !(await flush())) return;
        continue;
      }
      if (!(await flush())) return;
      if (!(await this.untilRecorded(() => recordDeadLetter(this.options.dataSource, item.deadLetter), `${topic}#${partition}@${message.offset}`, heartbeat, stillOwned))) return;
      resolveOffset(message.offset);
    }
    await flush();
  }

  /** Runs `work` until the database records its outcome (a handler's failure is deferred or dead-lettered, not thrown); false if the partition was lost meanwhile. */
  private async untilRecorded(work: () => Promise<void>, where: string, heartbeat: () => Promise<void>, stillOwned: () => boolean): Promise<boolean> {
    for (let failures = 0; ; failures++) {
      try {
        await work();
        return true;
      } catch (error) {
        this.logger.warn(`${where}: could not record the outcome: ${describeError(error).message}`);
        await this.backoff(backoffDelay(this.retry, failures + 1), heartbeat);
        if (!stillOwned()) return false;
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

/** The message as the durable delivery sees it, or — when it is not a CloudEvent of ours — its dead letter. */
function inbound(group: string, topic: string, partition: number, message: KafkaMessage): InboundMessage | { deadLetter: Parameters<typeof recordDeadLetter>[1] } {
  let envelope: Envelope;
  try {
    envelope = fromKafkaMessage(message);
  } catch (error) {
    const raw = { raw: message.value?.toString('utf8') ?? null };
    return {
      deadLetter: { group, topic, partition, offset: message.offset, messageId: '', tenantId: null, key: message.key?.toString('utf8') ?? null, envelope: raw, error, attempts: 1 },
    };
  }
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString('utf8') ?? partitionKeyOf(envelope),
    messageId: envelope.id,
    tenantId: envelope.tenantid ?? null,
    envelope,
  };
}
