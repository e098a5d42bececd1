import { Logger } from '@nestjs/common';
import type { Kafka, Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { PostgresGroupConsumer } from '../postgres/postgres-group-consumer.js';
import type { PostgresMessageLog } from '../postgres/postgres-message-log.js';
import type { RetryPolicy } from '../retry-policy.js';
import { toKafkaMessage } from './kafka-envelope.js';
import { provisionKafkaTopics } from './kafka-topics.js';

export const RELAY_GROUP = 'kafka-relay';

export interface KafkaOutboxRelayOptions {
  readonly kafka: Kafka;
  readonly dataSource: DataSource;
  readonly log: PostgresMessageLog;
  readonly topics: readonly string[];
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly listenUrl?: string;
}

// Broker outages are waited out, never dead-lettered: a relayed message must reach Kafka.
const RELAY_RETRY: RetryPolicy = { maxAttempts: Number.MAX_SAFE_INTEGER, baseDelayMs: 200, maxDelayMs: 5_000 };

/**
 * In Kafka mode, publishers still write to `messaging.messages` in their own transaction (the
 * outbox), and this relay moves each message to its Kafka topic, in order per partition, then
 * commits its position. Every app that publishes runs one; they share the partitions as members
 * of one group, so each message is produced once per commit — at least once across a crash,
 * which the consumers' inboxes make harmless. A broker outage only delays the relay: the gateway
 * keeps accepting into the outbox. Relayed messages are pruned by MessageLogRetention (the relay's
 * group has committed past them).
 */
export class KafkaOutboxRelay {
  private readonly logger = new Logger(KafkaOutboxRelay.name);
  private producer?: Producer;
  private consumer?: PostgresGroupConsumer;

  constructor(private readonly options: KafkaOutboxRelayOptions) {}

  async start(): Promise<void> {
    const { kafka, topics } = this.options;
    await provisionKafkaTopics(kafka, topics, this.options.partitions, this.options.replicationFactor);
    this.producer = kafka.producer({ maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await this.producer.connect();
    this.consumer = new PostgresGroupConsumer(
      { dataSource: this.options.dataSource, log: this.options.log, group: RELAY_GROUP, listenUrl: this.options.listenUrl, retry: RELAY_RETRY, batchSize: 1_000 },
      topics,
      {
        // One produce request per batch read from an outbox partition: same topic, in order.
        batch: async (messages) => {
          await this.producer!.send({ topic: messages[0].topic, acks: -1, messages: messages.map((m) => toKafkaMessage(m.envelope)) });
        },
      },
      this.logger,
    );
    await this.consumer.start();
  }

  async stop(): Promise<void> {
    await this.consumer?.close();
    await this.producer?.disconnect();
  }
}
