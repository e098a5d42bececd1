import { ApiKey, NO_THROTTLE, type ApiHandler } from '../api.js';
import { KafkaWriter } from '../codec/writer.js';

/** LeaveGroup v1: the member goes at once (no session timeout to wait for) and the group rebalances. */
export const leaveGroup: ApiHandler = {
  apiKey: ApiKey.LeaveGroup,
  name: 'LeaveGroup',
  minVersion: 1,
  maxVersion: 1,
  handle(request, _version, broker) {
    const groupId = request.string();
    const memberId = request.string();
    return new KafkaWriter().int32(NO_THROTTLE).int16(broker.groups.leave(groupId, memberId));
  },
};
