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
  /** How long relayed messages stay in the outbox (for inspection and replay) before being pruned. */
  readonly retentionMs?: number;
}

// Broker outages are waited out, never dead-lettered: a relayed message must reach Kafka.
const RELAY_RETRY: RetryPolicy = { maxAttempts: Number.MAX_SAFE_INTEGER, baseDelayMs: 200, maxDelayMs: 5_000 };

/**
 * In Kafka mode, publishers still write to `messaging.messages` in their own transaction (the
 * outbox), and this relay moves each message to its Kafka topic, in order per partition, then
 * commits its position. Every app that publishes runs one; they share the partitions as members
 * of one group, so each message is produced once per commit — at least once across a crash,
 * which the consumers' inboxes make harmless. A broker outage only delays the relay: the gateway
 * keeps accepting into the outbox.
 */
export class KafkaOutboxRelay {
  private readonly logger = new Logger(KafkaOutboxRelay.name);
  private producer?: Producer;
  private consumer?: PostgresGroupConsumer;
  private pruner?: NodeJS.Timeout;

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
    this.pruner = setInterval(() => void this.prune(), 60_000);
  }

  async stop(): Promise<void> {
    clearInterval(this.pruner);
    await this.consumer?.close();
    await this.producer?.disconnect();
  }

  /** Deletes relayed messages older than the retention. */
  private async prune(): Promise<void> {
    await this.options.dataSource
      .query(
        `WITH gone AS (
           DELETE FROM messaging.messages m USING messaging.group_partitions g
            WHERE g.group_id = $1 AND g.topic = m.topic AND g.partition = m.partition
              AND m."offset" < g.committed_offset AND m.appended_at < now() - make_interval(secs => $2::float8)
           RETURNING 1
         ) SELECT count(*) AS n FROM gone`,
        [RELAY_GROUP, (this.options.retentionMs ?? 3_600_000) / 1000],
      )
      .catch((error) => this.logger.warn(`Pruning the outbox failed: ${(error as Error).message}`));
  }
}
