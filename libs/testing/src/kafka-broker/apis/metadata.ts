import { ApiKey, NO_THROTTLE, type ApiHandler, type BrokerContext } from '../api.js';
import { KafkaWriter } from '../codec/writer.js';
import { ErrorCode } from '../error-codes.js';
import { topicNameError } from '../topic-store.js';

const CLUSTER_ID = 'tributary-test-broker';

interface TopicMetadata {
  readonly errorCode: ErrorCode;
  readonly name: string;
  readonly partitions: number;
}

/**
 * Metadata v5: one broker, leader and only replica of every partition, controller of the cluster.
 * Unknown topics are created when both the broker (`autoCreateTopics`) and the client allow it,
 * like Kafka's `auto.create.topics.enable`.
 */
export const metadata: ApiHandler = {
  apiKey: ApiKey.Metadata,
  name: 'Metadata',
  minVersion: 5,
  maxVersion: 5,
  handle(request, _version, broker) {
    // A null list asks for every topic (kafkajs sends null for "all"; an empty list means none).
    const requested = request.nullableArray((r) => r.string());
    const allowAutoCreate = request.boolean();
    const topics = requested === null ? broker.store.names() : [...new Set(requested)];
    const described = topics.map((name) => describeTopic(broker, name, allowAutoCreate));
    const { nodeId, host, port } = broker.node;
    return new KafkaWriter()
      .int32(NO_THROTTLE)
      .array([broker.node], (w) => w.int32(nodeId).string(host).int32(port).string(null))
      .string(CLUSTER_ID)
      .int32(nodeId)
      .array(described, (w, topic) => encodeTopic(w, topic, nodeId));
  },
};

function describeTopic(broker: BrokerContext, name: string, allowAutoCreate: boolean): TopicMetadata {
  const nameError = topicNameError(name);
  if (nameError !== undefined) return { errorCode: nameError, name, partitions: 0 };
  if (!broker.store.has(name) && broker.autoCreateTopics && allowAutoCreate) {
    broker.store.create(name, broker.defaultPartitions);
    broker.log(`auto-created topic ${name} with ${broker.defaultPartitions} partition(s)`);
  }
  const partitions = broker.store.partitions(name);
  if (!partitions) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, partitions: 0 };
  return { errorCode: ErrorCode.NONE, name, partitions: partitions.length };
}

function encodeTopic(writer: KafkaWriter, topic: TopicMetadata, nodeId: number): void {
  const partitionIds = Array.from({ length: topic.partitions }, (_, i) => i);
  writer
    .int16(topic.errorCode)
    .string(topic.name)
    .boolean(false) // is_internal
    .array(partitionIds, (w, partition) =>
      w
        .int16(ErrorCode.NONE)
        .int32(partition)
        .int32(nodeId) // leader
        .array([nodeId], (r, id) => r.int32(id)) // replicas
        .array([nodeId], (r, id) => r.int32(id)) // in-sync replicas
        .array([], () => undefined), // offline replicas
    );
}
