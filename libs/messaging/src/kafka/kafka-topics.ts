import { Logger } from '@nestjs/common';
import { allTopics } from '@tributary/topics';
import type { Kafka } from 'kafkajs';
import type { TransportOptions } from '../transport-options.js';
import { createKafka } from './kafka-connection.js';

/** Creates the topics that do not exist yet; existing topics keep their partition count. Returns those created. */
export async function provisionKafkaTopics(
  kafka: Kafka,
  topics: readonly string[],
  partitions: number,
  replicationFactor: number,
): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length === 0) return [];
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor })),
    });
    return missing;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Every topic of the registry on the app's Kafka, with the configured partitions and replication:
 * what a deployment's topics Job runs before the apps (which would otherwise each create them at start).
 */
export async function provisionRegistryTopics(transport: TransportOptions): Promise<{ topics: string[]; created: string[] }> {
  if (transport.kind !== 'kafka') throw new Error('Kafka topics need TRIBUTARY_TRANSPORT=kafka and KAFKA_BROKERS');
  const topics = allTopics.map((t) => t.name);
  const kafka = createKafka(transport.connection, new Logger('kafka-topics'));
  const created = await provisionKafkaTopics(kafka, topics, transport.partitions, transport.replicationFactor);
  return { topics, created };
}
