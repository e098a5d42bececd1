import { ApiKey, NO_THROTTLE, type ApiHandler } from '../api.js';
import { KafkaWriter } from '../codec/writer.js';
import { ErrorCode } from '../error-codes.js';

/** DescribeGroups v1: kafkajs's `admin.setOffsets`/`resetOffsets` check with it that a group is empty. */
export const describeGroups: ApiHandler = {
  apiKey: ApiKey.DescribeGroups,
  name: 'DescribeGroups',
  minVersion: 1,
  maxVersion: 1,
  handle(request, _version, broker) {
    const groupIds = request.array((r) => r.string());
    return new KafkaWriter().int32(NO_THROTTLE).array(groupIds, (w, groupId) => {
      const group = broker.groups.describe(groupId);
      w.int16(ErrorCode.NONE)
        .string(groupId)
        .string(group.state)
        .string(group.protocolType)
        .string(group.protocol)
        .array(group.members, (m, member) =>
          m.string(member.memberId).string(member.clientId).string(member.clientHost).bytes(member.metadata).bytes(member.assignment),
        );
    });
  },
};
