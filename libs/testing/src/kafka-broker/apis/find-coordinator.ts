import { ApiKey, NO_THROTTLE, type ApiHandler } from '../api.js';
import { KafkaWriter } from '../codec/writer.js';
import { ErrorCode } from '../error-codes.js';

/** FindCoordinator v1: with one broker, it coordinates every group. */
export const findCoordinator: ApiHandler = {
  apiKey: ApiKey.FindCoordinator,
  name: 'FindCoordinator',
  minVersion: 1,
  maxVersion: 1,
  handle(request, _version, broker) {
    request.string(); // the group id (or transactional id)
    request.int8(); // key type
    const { nodeId, host, port } = broker.node;
    return new KafkaWriter().int32(NO_THROTTLE).int16(ErrorCode.NONE).string(null).int32(nodeId).string(host).int32(port);
  },
};
