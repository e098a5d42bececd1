import { ApiKey, NO_THROTTLE, type ApiHandler } from '../api.js';
import { KafkaWriter } from '../codec/writer.js';

/** Heartbeat v1: keeps the session alive; REBALANCE_IN_PROGRESS is how members learn to rejoin. */
export const heartbeat: ApiHandler = {
  apiKey: ApiKey.Heartbeat,
  name: 'Heartbeat',
  minVersion: 1,
  maxVersion: 1,
  handle(request, _version, broker) {
    const groupId = request.string();
    const generationId = request.int32();
    const memberId = request.string();
    return new KafkaWriter().int32(NO_THROTTLE).int16(broker.groups.heartbeat(groupId, generationId, memberId));
  },
};
