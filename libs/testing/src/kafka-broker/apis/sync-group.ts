import { ApiKey, NO_THROTTLE, type ApiHandler } from '../api.js';
import { KafkaWriter } from '../codec/writer.js';

/** SyncGroup v1: the leader brings everyone's assignment; followers wait for it. */
export const syncGroup: ApiHandler = {
  apiKey: ApiKey.SyncGroup,
  name: 'SyncGroup',
  minVersion: 1,
  maxVersion: 1,
  async handle(request, _version, broker, context) {
    const groupId = request.string();
    const generationId = request.int32();
    const memberId = request.string();
    const assignments = new Map(request.array((r) => [r.string(), r.bytes() ?? Buffer.alloc(0)] as const));
    const result = await broker.groups.sync(groupId, generationId, memberId, assignments, context.signal);
    if (!result) return null; // the client is gone
    return new KafkaWriter().int32(NO_THROTTLE).int16(result.errorCode).bytes(result.assignment);
  },
};
