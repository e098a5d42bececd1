import { ApiKey, NO_THROTTLE, type ApiHandler, type BrokerContext } from '../api.js';
import { KafkaWriter } from '../codec/writer.js';
import { ErrorCode } from '../error-codes.js';
import { parseRecordSet, RecordBatchError } from '../record-batch.js';

interface PartitionResult {
  readonly partition: number;
  readonly errorCode: ErrorCode;
  readonly baseOffset: bigint;
}

const NO_OFFSET = -1n;
const VALID_ACKS = new Set([-1, 0, 1]);

/**
 * Produce v3, the lowest version carrying record batch v2 (so headers). The append is synchronous
 * and in memory, so every acks level is answered only once the records are readable; acks=0 gets
 * no response at all, as the protocol requires.
 */
export const produce: ApiHandler = {
  apiKey: ApiKey.Produce,
  name: 'Produce',
  minVersion: 3,
  maxVersion: 3,
  handle(request, _version, broker) {
    request.nullableString(); // transactional id: transactions are not supported (no InitProducerId)
    const acks = request.int16();
    request.int32(); // timeout: nothing to wait for
    const topics = request.array((r) => ({
      name: r.string(),
      partitions: r.array((p) => ({ partition: p.int32(), records: p.bytes() })),
    }));
    const results = topics.map(({ name, partitions }) => ({
      name,
      partitions: partitions.map(({ partition, records }): PartitionResult => {
        if (!VALID_ACKS.has(acks)) return { partition, errorCode: ErrorCode.INVALID_REQUIRED_ACKS, baseOffset: NO_OFFSET };
        return append(broker, name, partition, records);
      }),
    }));
    if (acks === 0) return null;
    return new KafkaWriter()
      .array(results, (w, topic) =>
        w.string(topic.name).array(topic.partitions, (p, r) => p.int32(r.partition).int16(r.errorCode).int64(r.baseOffset).int64(-1)),
      )
      .int32(NO_THROTTLE);
  },
};

function append(broker: BrokerContext, topic: string, partition: number, records: Buffer | null): PartitionResult {
  if (!broker.store.partition(topic, partition)) {
    return { partition, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, baseOffset: NO_OFFSET };
  }
  try {
    const baseOffset = broker.store.append(topic, partition, parseRecordSet(records));
    return { partition, errorCode: ErrorCode.NONE, baseOffset };
  } catch (error) {
    if (!(error instanceof RecordBatchError)) throw error;
    broker.log(`produce to ${topic}#${partition} refused: ${error.message}`);
    return { partition, errorCode: error.errorCode, baseOffset: NO_OFFSET };
  }
}
