import { ApiKey, NO_THROTTLE, type ApiHandler, type BrokerContext } from '../api.js';
import type { KafkaReader } from '../codec/reader.js';
import { KafkaWriter } from '../codec/writer.js';
import { ErrorCode } from '../error-codes.js';
import { topicNameError } from '../topic-store.js';

interface TopicToCreate {
  readonly name: string;
  readonly numPartitions: number;
  readonly replicationFactor: number;
  readonly assignedPartitions: number;
}

interface Outcome {
  readonly name: string;
  readonly errorCode: ErrorCode;
  readonly message: string | null;
}

/** CreateTopics v2. Topic configs are accepted and ignored: nothing here expires or compacts. */
export const createTopics: ApiHandler = {
  apiKey: ApiKey.CreateTopics,
  name: 'CreateTopics',
  minVersion: 2,
  maxVersion: 2,
  handle(request, _version, broker) {
    const topics = request.array(readTopic);
    request.int32(); // timeout: creation is immediate
    const validateOnly = request.boolean();
    const outcomes = topics.map((topic) => create(broker, topic, validateOnly));
    return new KafkaWriter()
      .int32(NO_THROTTLE)
      .array(outcomes, (w, o) => w.string(o.name).int16(o.errorCode).string(o.message));
  },
};

function readTopic(reader: KafkaReader): TopicToCreate {
  const name = reader.string();
  const numPartitions = reader.int32();
  const replicationFactor = reader.int16();
  const assignments = reader.array((r) => ({ partition: r.int32(), replicas: r.array((a) => a.int32()) }));
  reader.array((r) => ({ name: r.string(), value: r.nullableString() })); // configs
  return { name, numPartitions, replicationFactor, assignedPartitions: assignments.length };
}

function create(broker: BrokerContext, topic: TopicToCreate, validateOnly: boolean): Outcome {
  const fail = (errorCode: ErrorCode, message: string): Outcome => ({ name: topic.name, errorCode, message });
  const nameError = topicNameError(topic.name);
  if (nameError !== undefined) return fail(nameError, `illegal topic name '${topic.name}'`);
  if (broker.store.has(topic.name)) return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `topic '${topic.name}' already exists`);
  // -1 means "the broker's default"; an explicit replica assignment fixes the count instead.
  const partitions =
    topic.assignedPartitions > 0 ? topic.assignedPartitions : topic.numPartitions === -1 ? broker.defaultPartitions : topic.numPartitions;
  if (partitions <= 0) return fail(ErrorCode.INVALID_PARTITIONS, 'number of partitions must be positive');
  // One broker, so at most one replica — exactly what a single-node Kafka answers.
  if (topic.replicationFactor !== -1 && topic.replicationFactor !== 1) {
    return fail(ErrorCode.INVALID_REPLICATION_FACTOR, `replication factor ${topic.replicationFactor}: this cluster has 1 broker`);
  }
  if (!validateOnly) {
    broker.store.create(topic.name, partitions);
    broker.log(`created topic ${topic.name} with ${partitions} partition(s)`);
  }
  return { name: topic.name, errorCode: ErrorCode.NONE, message: null };
}
