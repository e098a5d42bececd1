import { ApiKey, NO_THROTTLE, type ApiHandler, type BrokerContext } from '../api.js';
import { KafkaWriter } from '../codec/writer.js';
import { ErrorCode } from '../error-codes.js';

const LATEST = -1n;
const EARLIEST = -2n;

interface OffsetAnswer {
  readonly partition: number;
  readonly errorCode: ErrorCode;
  readonly timestamp: bigint;
  readonly offset: bigint;
}

/** ListOffsets v2: earliest (-2), latest (-1), or the first offset at or after a timestamp. */
export const listOffsets: ApiHandler = {
  apiKey: ApiKey.ListOffsets,
  name: 'ListOffsets',
  minVersion: 2,
  maxVersion: 2,
  handle(request, _version, broker) {
    request.int32(); // replica id
    request.int8(); // isolation level: every record is committed here
    const topics = request.array((r) => ({
      name: r.string(),
      partitions: r.array((p) => ({ partition: p.int32(), timestamp: p.int64() })),
    }));
    const answers = topics.map(({ name, partitions }) => ({
      name,
      partitions: partitions.map(({ partition, timestamp }) => lookUp(broker, name, partition, timestamp)),
    }));
    return new KafkaWriter()
      .int32(NO_THROTTLE)
      .array(answers, (w, topic) =>
        w.string(topic.name).array(topic.partitions, (p, a) => p.int32(a.partition).int16(a.errorCode).int64(a.timestamp).int64(a.offset)),
      );
  },
};

function lookUp(broker: BrokerContext, topic: string, partition: number, timestamp: bigint): OffsetAnswer {
  const log = broker.store.partition(topic, partition);
  if (!log) return { partition, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, timestamp: -1n, offset: -1n };
  if (timestamp === LATEST) return { partition, errorCode: ErrorCode.NONE, timestamp: -1n, offset: log.logEndOffset };
  if (timestamp === EARLIEST) return { partition, errorCode: ErrorCode.NONE, timestamp: -1n, offset: log.logStartOffset };
  const record = log.recordAtOrAfter(timestamp);
  // No record that late: Kafka answers offset -1 (the client then uses the end of the log).
  return { partition, errorCode: ErrorCode.NONE, timestamp: record?.timestamp ?? -1n, offset: record?.offset ?? -1n };
}
