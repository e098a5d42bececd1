import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type Consumer, type IHeaders } from 'kafkajs';
import { eventually } from './eventually.js';
import type { KafkaTestBroker } from './kafka-broker/kafka-broker.js';

/** A record of a topic, named by its CloudEvent id (`ce_id`). */
export interface LoggedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly id: string;
}

/** What a chaos test reads of a Kafka log: the messages a consumer group has not committed. */
export interface KafkaLogView {
  /**
   * The records at or past `group`'s committed offset in every partition of the watched topics the
   * group has committed on (a partition without a commit of its own counts from the start).
   */
  uncommitted(group: string): Promise<LoggedMessage[]>;
}

/**
 * Reads every record of a Kafka cluster's topics as it is produced (in a consumer group of its own),
 * so that a chaos test can tell which messages sit at or past a group's committed offset: handed to
 * its consumer perhaps, not yet committed. Works on a real Kafka as on the test broker.
 */
export class KafkaLogWatcher implements KafkaLogView {
  private readonly records = new Map<string, LoggedMessage[]>();

  private constructor(
    private readonly topics: readonly string[],
    private readonly admin: Admin,
    private readonly consumer: Consumer,
  ) {}

  /** Watches `topics` (every topic but Kafka's internal ones when absent) from their beginning. */
  static async start(brokers: readonly string[], topics?: readonly string[]): Promise<KafkaLogWatcher> {
    const kafka = new Kafka({
      clientId: `log-watcher-${randomUUID()}`,
      brokers: [...brokers],
      logLevel: logLevel.NOTHING,
      retry: { initialRetryTime: 200, maxRetryTime: 2_000, retries: Number.MAX_SAFE_INTEGER },
    });
    const admin = kafka.admin();
    await admin.connect();
    const watched = topics ?? (await admin.listTopics()).filter((t) => !t.startsWith('__'));
    const consumer = kafka.consumer({ groupId: `log-watcher-${randomUUID()}`, maxWaitTimeInMs: 200 });
    const watcher = new KafkaLogWatcher(watched, admin, consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [...watched], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        watcher.partitionLog(topic, partition).push({ topic, partition, offset: BigInt(message.offset), id: ceId(message.headers) });
      },
    });
    return watcher;
  }

  async uncommitted(group: string): Promise<LoggedMessage[]> {
    await this.caughtUp();
    const committed = await this.admin.fetchOffsets({ groupId: group, topics: [...this.topics] });
    return committed
      .filter(({ partitions }) => partitions.some(({ offset }) => BigInt(offset) >= 0n))
      .flatMap(({ topic, partitions }) =>
        partitions.flatMap(({ partition, offset }) => {
          const from = BigInt(offset) >= 0n ? BigInt(offset) : 0n;
          return this.partitionLog(topic, partition).filter((m) => m.offset >= from);
        }),
      );
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.admin.disconnect();
  }

  /** Until this watcher has read every record produced so far. */
  private async caughtUp(): Promise<void> {
    const ends = (await Promise.all(this.topics.map(async (topic) => (await this.admin.fetchTopicOffsets(topic)).map((o) => ({ topic, ...o }))))).flat();
    await eventually(
      async () => ends.filter((end) => (this.partitionLog(end.topic, end.partition).at(-1)?.offset ?? -1n) + 1n < BigInt(end.high)).length,
      (behind) => behind === 0,
      { timeoutMs: 30_000, intervalMs: 20 },
    );
  }

  private partitionLog(topic: string, partition: number): LoggedMessage[] {
    const key = `${topic}#${partition}`;
    let log = this.records.get(key);
    if (!log) this.records.set(key, (log = []));
    return log;
  }
}

/** The test broker's own view of its log, readable while it is paused (when no client can connect). */
export function testBrokerLog(broker: KafkaTestBroker, topics: readonly string[] = broker.topics()): KafkaLogView {
  return {
    async uncommitted(group) {
      return topics.flatMap((topic) => {
        const committed = Array.from({ length: broker.partitionCount(topic) }, (_, partition) => broker.committedOffset(group, topic, partition));
        if (committed.every((offset) => offset === undefined)) return [];
        return committed.flatMap((offset, partition) =>
          broker
            .messages(topic, partition)
            .filter((m) => m.offset >= (offset ?? 0n))
            .map((m) => ({ topic, partition, offset: m.offset, id: m.headers.find((h) => h.key === 'ce_id')?.value?.toString('utf8') ?? '' })),
        );
      });
    },
  };
}

function ceId(headers: IHeaders | undefined): string {
  const value = headers?.ce_id;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? '' : first.toString();
}
