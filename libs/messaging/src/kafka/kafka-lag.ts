import type { Admin, Kafka } from 'kafkajs';
import type { ConsumerLag, ConsumerLagSource } from '../consumer/consumer-lag.js';

/**
 * Lag of consumer groups on Kafka, as the broker sees it (like kafka-consumer-groups.sh): per group
 * and topic, the sum over partitions of high watermark − committed offset; a partition the group
 * has never committed counts from its low watermark (the group starts from the beginning).
 */
export async function kafkaConsumerLag(admin: Admin, groups: readonly string[], topics: readonly string[]): Promise<ConsumerLag[]> {
  if (topics.length === 0) return [];
  const ends = new Map<string, Map<number, { high: number; low: number }>>();
  for (const topic of topics) {
    const offsets = await admin.fetchTopicOffsets(topic);
    ends.set(topic, new Map(offsets.map((o) => [o.partition, { high: Number(o.high), low: Number(o.low) }])));
  }
  const lags: ConsumerLag[] = [];
  for (const group of groups) {
    const committed = await admin.fetchOffsets({ groupId: group, topics: [...topics] });
    for (const { topic, partitions } of committed) {
      const topicEnds = ends.get(topic)!;
      let lag = 0;
      for (const [partition, { high, low }] of topicEnds) {
        const offset = Number(partitions.find((p) => p.partition === partition)?.offset ?? -1);
        lag += Math.max(0, high - (offset >= 0 ? offset : low));
      }
      lags.push({ group, topic, lag });
    }
  }
  return lags;
}

/** The consumer groups the cluster knows (every app's, whoever runs it), for a view of all of them. */
export async function kafkaConsumerGroups(admin: Admin): Promise<string[]> {
  const { groups } = await admin.listGroups();
  return groups.filter((g) => g.protocolType === 'consumer').map((g) => g.groupId).sort();
}

/** One Kafka consumer group's lag on the topics it is subscribed to, through an admin client kept connected. */
export class KafkaGroupLag implements ConsumerLagSource {
  private admin?: Promise<Admin>;

  constructor(
    private readonly kafka: Kafka,
    private readonly group: string,
    private readonly topics: () => readonly string[],
  ) {}

  async lag(): Promise<ConsumerLag[]> {
    this.admin ??= this.connect();
    try {
      return await kafkaConsumerLag(await this.admin, [this.group], this.topics());
    } catch (error) {
      // Reconnect on the next read: the broker may have gone and come back.
      const admin = this.admin;
      this.admin = undefined;
      void admin.then((a) => a.disconnect()).catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    if (admin) await (await admin).disconnect();
  }

  private async connect(): Promise<Admin> {
    const admin = this.kafka.admin();
    await admin.connect();
    return admin;
  }
}
