import { ApiKey, NO_THROTTLE, type ApiHandler } from '../api.js';
import { KafkaWriter } from '../codec/writer.js';
import { ErrorCode } from '../error-codes.js';

const NO_COMMITTED_OFFSET = -1n;

/** OffsetFetch v3: -1 where nothing is committed; a null topic list asks for everything committed. */
export const offsetFetch: ApiHandler = {
  apiKey: ApiKey.OffsetFetch,
  name: 'OffsetFetch',
  minVersion: 3,
  maxVersion: 3,
  handle(request, _version, broker) {
    const groupId = request.string();
    const requested = request.nullableArray((r) => ({ topic: r.string(), partitions: r.array((p) => p.int32()) }));
    const topics = requested ?? broker.groups.committedPartitions(groupId);
    return new KafkaWriter()
      .int32(NO_THROTTLE)
      .array(topics, (w, { topic, partitions }) =>
        w.string(topic).array(partitions, (p, partition) => {
          const committed = broker.groups.committed(groupId, topic, partition);
          p.int32(partition)
            .int64(committed?.offset ?? NO_COMMITTED_OFFSET)
            .string(committed?.metadata ?? '')
            .int16(ErrorCode.NONE);
        }),
      )
      .int16(ErrorCode.NONE);
  },
};
