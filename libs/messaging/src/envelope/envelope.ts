import type { TopicDefinition } from '@tributary/topics';
import { queueAttributesOf, type QueueAttributes, type QueueOptions } from './queue-headers.js';
import { activeTraceparent } from '../tracing/spans.js';
import { continueTrace, traceIdOf } from './trace-context.js';
import { uuidv7 } from './uuid-v7.js';

/**
 * A message on a topic, with the CloudEvents 1.0 attributes (extension attributes are lower-case
 * alphanumerics, hence `tenantid`). `signature` is added by the signer over every other attribute.
 * The queue attributes (`priority`, `notbefore`, `expires`, `replyto`, `inreplyto`, `routingkey`,
 * `headers`, see `QueueAttributes`) are present only when the publisher set them.
 */
export interface Envelope<T = unknown> extends QueueAttributes {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly time: string;
  readonly subject: string;
  readonly tenantid: string;
  readonly traceparent: string;
  readonly correlationid: string;
  readonly causationid?: string;
  readonly dataschema: string;
  readonly datacontenttype: 'application/json';
  readonly data: T;
  readonly signature?: string;
}

export interface EnvelopeOrigin {
  /** The app producing the message (`gateway`, `integration-worker` …). */
  readonly source: string;
  readonly tenantId: string;
  readonly traceparent?: string;
  /** The message this one is a consequence of: its id becomes causation, its correlation is kept. */
  readonly cause?: Pick<Envelope, 'id' | 'correlationid' | 'traceparent'>;
  readonly id?: string;
  readonly time?: Date;
  /**
   * The message's queue headers (priority, delay, expiry, reply-to, routing key, free headers; see
   * `QueueOptions`). Invalid values are refused with a `queue_header_invalid` error.
   */
  readonly queue?: QueueOptions;
}

export function dataschemaOf(topic: Pick<TopicDefinition, 'name' | 'version'>): string {
  return `tributary:${topic.name}:v${topic.version}`;
}

export function createEnvelope<T extends object>(topic: TopicDefinition<T>, data: T, origin: EnvelopeOrigin): Envelope<T> {
  const id = origin.id ?? uuidv7();
  const time = origin.time ?? new Date();
  const envelope: Envelope<T> = {
    specversion: '1.0',
    id,
    source: origin.source,
    type: topic.name,
    time: time.toISOString(),
    subject: topic.key(data),
    tenantid: origin.tenantId,
    traceparent: traceparentFor(origin),
    correlationid: origin.cause?.correlationid ?? id,
    ...(origin.cause ? { causationid: origin.cause.id } : {}),
    dataschema: dataschemaOf(topic),
    datacontenttype: 'application/json',
    data: { ...data },
  };
  return origin.queue === undefined ? envelope : { ...envelope, ...queueAttributesOf(origin.queue, time) };
}

/**
 * The message's `traceparent`: the one given (or its cause's), unless a span of the same trace is
 * active (tracing on: the consumer span of the message being handled, the ingress span) — then that
 * span, so the next consumer's span nests under it.
 */
function traceparentFor(origin: EnvelopeOrigin): string {
  const given = origin.traceparent ?? origin.cause?.traceparent;
  const active = activeTraceparent();
  if (active && (given === undefined || traceIdOf(given) === traceIdOf(active))) return active;
  return given ?? active ?? continueTrace().traceparent;
}

/** The partition key: tenant first, so one tenant's entity never shares ordering with another's. */
export const partitionKeyOf = (envelope: Pick<Envelope, 'tenantid' | 'subject'>): string =>
  `${envelope.tenantid}:${envelope.subject}`;
