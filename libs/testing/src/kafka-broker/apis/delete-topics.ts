import { ApiKey, NO_THROTTLE, type ApiHandler } from '../api.js';
import { KafkaWriter } from '../codec/writer.js';
import { ErrorCode } from '../error-codes.js';

/** DeleteTopics v1: the topic's records and its committed offsets go at once. */
export const deleteTopics: ApiHandler = {
  apiKey: ApiKey.DeleteTopics,
  name: 'DeleteTopics',
  minVersion: 1,
  maxVersion: 1,
  handle(request, _version, broker) {
    const names = request.array((r) => r.string());
    request.int32(); // timeout: deletion is immediate
    const outcomes = names.map((name) => {
      if (!broker.store.delete(name)) return { name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
      broker.groups.forgetTopic(name);
      broker.log(`deleted topic ${name}`);
      return { name, errorCode: ErrorCode.NONE };
    });
    return new KafkaWriter().int32(NO_THROTTLE).array(outcomes, (w, o) => w.string(o.name).int16(o.errorCode));
  },
};
