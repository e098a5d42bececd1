import { ApiKey, type ApiHandler } from '../api.js';
import { KafkaWriter } from '../codec/writer.js';
import { ErrorCode } from '../error-codes.js';

/** OffsetCommit v2 (retention time is ignored: committed offsets live as long as the broker). */
export const offsetCommit: ApiHandler = {
  apiKey: ApiKey.OffsetCommit,
  name: 'OffsetCommit',
  minVersion: 2,
  maxVersion: 2,
  handle(request, _version, broker) {
    const groupId = request.string();
    const generationId = request.int32();
    const memberId = request.string();
    request.int64(); // retention time
    const topics = request.array((r) => ({
      name: r.string(),
      partitions: r.array((p) => ({ partition: p.int32(), offset: p.int64(), metadata: p.nullableString() })),
    }));
    const groupError = broker.groups.authorizeCommit(groupId, generationId, memberId);
    const results = topics.map(({ name, partitions }) => ({
      name,
      partitions: partitions.map(({ partition, offset, metadata }) => {
        if (groupError !== ErrorCode.NONE) return { partition, errorCode: groupError };
        if (!broker.store.partition(name, partition)) return { partition, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
        broker.groups.commit(groupId, name, partition, { offset, metadata });
        return { partition, errorCode: ErrorCode.NONE };
      }),
    }));
    // v2 has no throttle time field.
    return new KafkaWriter().array(results, (w, topic) =>
      w.string(topic.name).array(topic.partitions, (p, r) => p.int32(r.partition).int16(r.errorCode)),
    );
  },
};
