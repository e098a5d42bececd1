import { randomUUID } from 'node:crypto';
import { BaseRpcContext } from '@nestjs/microservices';
import type { MessageSigner } from '../signing/message-signer.js';
import { DurableDelivery, type InboundMessage } from '../consumer/durable-delivery.js';
import { EnvelopeServer } from '../consumer/envelope-server.js';
import { partitionKeyOf, type Envelope } from '../envelope/envelope.js';
import { defaultRetryPolicy, type RetryPolicy } from '../retry-policy.js';
import { PostgresGroupConsumer, type PostgresGroupOptions } from './postgres-group-consumer.js';
import type { StoredMessage } from './postgres-message-log.js';

export const POSTGRES_TRANSPORT = Symbol('tributary-postgres-transport');

export interface PostgresTransportOptions extends PostgresGroupOptions {
  readonly signer: MessageSigner;
  /** How long a member owns a retry it claimed (a member that dies mid-retry lets it go after this). */
  readonly retryLeaseMs?: number;
}

/** What a handler can learn about the message it is handling (`@Ctx() ctx: PostgresContext`). */
export class PostgresContext extends BaseRpcContext<[StoredMessage, number]> {
  get message(): StoredMessage {
    return this.args[0];
  }
  /** 1 on first delivery, more on retries (counted durably, across restarts). */
  get attempt(): number {
    return this.args[1];
  }
}

// The main path never gives a message up for an infrastructure failure (the database could not
// record a deferral or dead letter): it holds the partition and tries again.
const HOLD_ON_INFRASTRUCTURE_FAILURE: RetryPolicy = { maxAttempts: Number.MAX_SAFE_INTEGER, baseDelayMs: 200, maxDelayMs: 5_000 };

/**
 * The `postgres` transport's consumer, as a Nest microservice strategy so the same `@OnMessage`
 * handlers run on it as on Kafka: a member of the app's consumer group (see `PostgresGroupConsumer`)
 * that verifies each message's signature and hands it to the handler of its topic, with durable
 * retries and per-key waiting (see `DurableDelivery`).
 */
export class PostgresTransportServer extends EnvelopeServer {
  override readonly transportId = POSTGRES_TRANSPORT;
  private consumer?: PostgresGroupConsumer;
  private durable?: DurableDelivery;
  private state: 'starting' | 'running' | 'closed' = 'starting';

  constructor(private readonly options: PostgresTransportOptions) {
    super();
  }

  get group(): string {
    return this.options.group;
  }

  /** For readiness (see TransportReadiness). */
  notReady(): string | undefined {
    return this.state === 'running' ? undefined : `not consuming (${this.state})`;
  }

  override unwrap<T>(): T {
    return this.options.dataSource as T;
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const memberId = this.options.memberId ?? `${this.options.group}-${randomUUID()}`;
      const durable = new DurableDelivery({
        dataSource: this.options.dataSource,
        group: this.options.group,
        topics: this.subscribedTopics,
        retry: this.options.retry ?? defaultRetryPolicy,
        memberId,
        logger: this.logger,
        observer: this.options.observer,
        pollIntervalMs: this.options.pollIntervalMs,
        leaseMs: this.options.retryLeaseMs,
        run: (message, attempt) => {
          const envelope = this.options.signer.verify(message.envelope as Envelope);
          const stored: StoredMessage = { topic: message.topic, partition: message.partition, offset: Number(message.offset), envelope, key: message.key };
          return this.handle(message.topic, envelope, new PostgresContext([stored, attempt]));
        },
        verify: (message) => void this.options.signer.verify(message.envelope as Envelope),
        runBatch: this.batchRunner(this.options.signer),
      });
      this.durable = durable;
      this.consumer = new PostgresGroupConsumer(
        { ...this.options, memberId, observer: undefined, retry: HOLD_ON_INFRASTRUCTURE_FAILURE },
        this.subscribedTopics,
        {
          assigned: (topic, partition) => durable.forget(topic, partition),
          beforeBatch: (messages) => durable.prepare(messages[0].topic, messages[0].partition),
          each: (message) => durable.deliver(inbound(message)),
          all: (messages, stillOwned) => durable.deliverAll(messages.map(inbound), stillOwned),
        },
        this.logger,
      );
      await this.consumer.start();
      durable.start();
      this.state = 'running';
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    this.state = 'closed';
    // The retry loop stops claiming at once; the partitions' workers finish the message in hand.
    await Promise.all([this.durable?.close(), this.consumer?.close()]);
  }
}

const keyOf = (message: StoredMessage): string => message.key ?? partitionKeyOf(message.envelope);

function inbound(message: StoredMessage): InboundMessage {
  const envelope = message.envelope as Partial<Envelope> | null;
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    key: keyOf(message),
    messageId: String(envelope?.id ?? ''),
    tenantId: envelope?.tenantid ?? null,
    envelope: message.envelope,
  };
}
