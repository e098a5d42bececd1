import { ApiKey, NO_THROTTLE, type ApiHandler } from '../api.js';
import { KafkaWriter } from '../codec/writer.js';
import { ErrorCode } from '../error-codes.js';

/** ListGroups v1: every group the coordinator knows, with its protocol type (`admin.listGroups`). */
export const listGroups: ApiHandler = {
  apiKey: ApiKey.ListGroups,
  name: 'ListGroups',
  minVersion: 1,
  maxVersion: 1,
  handle(_request, _version, broker) {
    return new KafkaWriter()
      .int32(NO_THROTTLE)
      .int16(ErrorCode.NONE)
      .array(broker.groups.list(), (w, group) => w.string(group.groupId).string(group.protocolType));
  },
};
