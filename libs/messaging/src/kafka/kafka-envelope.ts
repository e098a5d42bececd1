import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { TributaryError } from '@tributary/domain';
import { partitionKeyOf, type Envelope } from '../envelope/envelope.js';

// CloudEvents Kafka protocol binding, binary content mode: attributes as `ce_` headers, data as the value.
// The queue attributes travel the same way when set: `ce_priority` as its decimal digits, `ce_headers`
// (a map, which CloudEvents attributes cannot be) as a JSON object; both are read back to the types
// they were signed with (see docs/kafka.md).
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
  'priority',
  'notbefore',
  'expires',
  'replyto',
  'inreplyto',
  'routingkey',
  'headers',
] as const;

const KNOWN = new Set(ATTRIBUTES.map((a) => `ce_${a}`));

export function toKafkaMessage(envelope: Envelope): Message {
  const headers: IHeaders = { 'content-type': envelope.datacontenttype };
  for (const attribute of ATTRIBUTES) {
    const value = envelope[attribute];
    if (value !== undefined) headers[`ce_${attribute}`] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return { key: partitionKeyOf(envelope), value: JSON.stringify(envelope.data), headers };
}

/**
 * Rebuilds the envelope exactly as it was signed. A message that is not a CloudEvent of ours is
 * malformed: non-retryable, it goes to the dead letters.
 */
export function fromKafkaMessage(message: KafkaMessage): Envelope {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (!name.startsWith('ce_') || !KNOWN.has(name) || value === undefined || value === null) continue;
    attributes[name.slice(3)] = Buffer.isBuffer(value) ? value.toString('utf8') : Array.isArray(value) ? String(value[0]) : String(value);
  }
  if (attributes.specversion !== '1.0' || !attributes.id || !attributes.type || !attributes.tenantid) {
    throw new TributaryError('invalid', 'message_malformed', 'Not a Tributary CloudEvent (ce_ headers missing)');
  }
  const typed: Record<string, unknown> = { ...attributes };
  // Read back as signed; a value that does not read stays a string, which verification refuses.
  if (attributes.priority !== undefined && /^\d{1,2}$/.test(attributes.priority)) typed.priority = Number(attributes.priority);
  if (attributes.headers !== undefined) typed.headers = parseJsonOr(attributes.headers);
  let data: unknown;
  try {
    data = JSON.parse(message.value?.toString('utf8') ?? 'null');
  } catch {
    throw new TributaryError('invalid', 'message_malformed', 'Message value is not JSON');
  }
  return { ...typed, datacontenttype: 'application/json', data } as unknown as Envelope;
}

function parseJsonOr(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
