import { ApiKey, NO_THROTTLE, type ApiHandler } from '../api.js';
import { KafkaWriter } from '../codec/writer.js';

/**
 * JoinGroup v2. Below v4, so a new member is named on its first join (no MEMBER_ID_REQUIRED
 * round trip); the response may be held for up to the rebalance timeout.
 */
export const joinGroup: ApiHandler = {
  apiKey: ApiKey.JoinGroup,
  name: 'JoinGroup',
  minVersion: 2,
  maxVersion: 2,
  async handle(request, _version, broker, context) {
    const groupId = request.string();
    const sessionTimeoutMs = request.int32();
    const rebalanceTimeoutMs = request.int32();
    const memberId = request.string();
    const protocolType = request.string();
    const protocols = request.array((r) => ({ name: r.string(), metadata: r.bytes() ?? Buffer.alloc(0) }));
    const result = await broker.groups.join(
      { groupId, memberId, clientId: context.clientId ?? '', clientHost: context.clientHost, sessionTimeoutMs, rebalanceTimeoutMs, protocolType, protocols },
      context.signal,
    );
    if (!result) return null; // the client is gone
    return new KafkaWriter()
      .int32(NO_THROTTLE)
      .int16(result.errorCode)
      .int32(result.generationId)
      .string(result.protocol)
      .string(result.leaderId)
      .string(result.memberId)
      .array(result.members, (w, m) => w.string(m.memberId).bytes(m.metadata));
  },
};
