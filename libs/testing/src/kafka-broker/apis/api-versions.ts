import { ApiKey, NO_THROTTLE, type ApiHandler, type BrokerContext } from '../api.js';
import { KafkaWriter } from '../codec/writer.js';
import { ErrorCode } from '../error-codes.js';

/**
 * ApiVersions v0–v2 (kafkajs asks v2 first). The answer is what makes kafkajs use the low, classic
 * versions implemented here.
 */
export const apiVersions: ApiHandler = {
  apiKey: ApiKey.ApiVersions,
  name: 'ApiVersions',
  minVersion: 0,
  maxVersion: 2,
  handle: (_request, version, broker) => encodeApiVersions(broker, ErrorCode.NONE, version),
};

/**
 * The answer to an ApiVersions request of a version above ours: an error in the v0 layout, with our
 * versions, so the client retries with one we speak (as Kafka does).
 */
export function unsupportedApiVersions(broker: BrokerContext): KafkaWriter {
  return encodeApiVersions(broker, ErrorCode.UNSUPPORTED_VERSION, 0);
}

function encodeApiVersions(broker: BrokerContext, errorCode: ErrorCode, version: number): KafkaWriter {
  const writer = new KafkaWriter()
    .int16(errorCode)
    .array(broker.apis, (w, api) => w.int16(api.apiKey).int16(api.minVersion).int16(api.maxVersion));
  return version >= 1 ? writer.int32(NO_THROTTLE) : writer;
}
