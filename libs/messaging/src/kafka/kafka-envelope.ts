import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { TributaryError } from '@tributary/domain';
import { partitionKeyOf, type Envelope } from '../envelope/envelope.js';

// CloudEvents Kafka protocol binding, binary content mode: attributes as `ce_` headers, data as the value.
const ATTRIBUTES = [
  'specversion',
  'id',
  'source',
  'type',
  'time',
  'subject',
  'tenantid',
  'traceparent',
  'correlationid',
  'causationid',
  'dataschema',
  'signature',
] as const;

export function toKafkaMessage(envelope: Envelope): Message {
  const headers: IHeaders = { 'content-type': envelope.datacontenttype };
  for (const attribute of ATTRIBUTES) {
    const value = envelope[attribute];
    if (value !== undefined) headers[`ce_${attribute}`] = String(value);
  }
  return { key: partitionKeyOf(envelope), value: JSON.stringify(envelope.data), headers };
}

/**
 * Rebuilds the envelope exactly as it was signed. A message that is not a CloudEvent of ours is
 * malformed: non-retryable, it goes to the dead letters.
 */
export function fromKafkaMessage(message: KafkaMessage): Envelope {
  const header = (name: string): string | undefined => {
    const value = message.headers?.[name];
    if (value === undefined || value === null) return undefined;
    return Buffer.isBuffer(value) ? value.toString('utf8') : Array.isArray(value) ? String(value[0]) : String(value);
  };
  const attributes: Record<string, string> = {};
  for (const attribute of ATTRIBUTES) {
    const value = header(`ce_${attribute}`);
    if (value !== undefined) attributes[attribute] = value;
  }
  if (attributes.specversion !== '1.0' || !attributes.id || !attributes.type || !attributes.tenantid) {
    throw new TributaryError('invalid', 'message_malformed', 'Not a Tributary CloudEvent (ce_ headers missing)');
  }
  let data: unknown;
  try {
    data = JSON.parse(message.value?.toString('utf8') ?? 'null');
  } catch {
    throw new TributaryError('invalid', 'message_malformed', 'Message value is not JSON');
  }
  return { ...attributes, datacontenttype: 'application/json', data } as unknown as Envelope;
}
