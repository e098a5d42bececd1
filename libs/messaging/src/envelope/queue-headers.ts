import { TributaryError } from '@tributary/domain';

/**
 * The queue headers of a message (glued-integrations' message headers, see docs/integrations.md,
 * "Queues"), as a publisher gives them (`EnvelopeOrigin.queue`, `OutgoingMessage.origin.queue`).
 * Every one is optional; an unset one is left out of the envelope, so a message without queue
 * headers is byte-for-byte what it was before they existed (and so is its signature).
 */
export interface QueueOptions {
  /** 0 (the default: left out of the envelope) to 9; higher is handled first across keys, never within one. */
  readonly priority?: number;
  /** Not handed to a handler before this time (a delay); later messages of its key wait behind it. */
  readonly notBefore?: Date;
  /** The delay as a duration from the message's time (`notBefore` = time + `delayMs`); not with `notBefore`. */
  readonly delayMs?: number;
  /** Never handed to a handler after this time: it goes to the dead letters as `expired`. */
  readonly expiresAt?: Date;
  /** The expiry as a time to live from the message's time (`expiresAt` = time + `ttlMs`); not with `expiresAt`. */
  readonly ttlMs?: number;
  /** The topic an answer to this message should go to. */
  readonly replyTo?: string;
  /** The id of the message (the request) this one answers. */
  readonly inReplyTo?: string;
  /** What exchanges route by; consumers take the `subject` when it is unset. */
  readonly routingKey?: string;
  /** Free headers for header exchanges: at most 32, names `[a-z0-9-]{1,64}`, values of at most 256 characters. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The queue headers as CloudEvents extension attributes of the envelope (lower-case, all optional). */
export interface QueueAttributes {
  readonly priority?: number;
  /** RFC 3339. */
  readonly notbefore?: string;
  /** RFC 3339. */
  readonly expires?: string;
  readonly replyto?: string;
  readonly inreplyto?: string;
  readonly routingkey?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The queue headers of a received envelope, with their defaults filled in (see `queueHeadersOf`). */
export interface QueueHeaders {
  readonly priority: number;
  readonly notBefore?: Date;
  readonly expiresAt?: Date;
  readonly replyTo?: string;
  readonly inReplyTo?: string;
  /** The routing key, or the subject when none was set. */
  readonly routingKey: string;
  readonly headers: Readonly<Record<string, string>>;
}

export const QUEUE_ATTRIBUTES = ['priority', 'notbefore', 'expires', 'replyto', 'inreplyto', 'routingkey', 'headers'] as const;

export const MAX_PRIORITY = 9;
export const MAX_HEADERS = 32;
export const MAX_HEADER_VALUE = 256;
const HEADER_NAME = /^[a-z0-9-]{1,64}$/;
// Kafka's rule for topic names (the postgres log's names are a subset).
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
// An id or a routing key: printable, no control characters.
const TOKEN = /^[^\u0000-\u001f\u007f]{1,256}$/;

const invalid = (message: string): TributaryError => new TributaryError('invalid', 'queue_header_invalid', message);

/**
 * The envelope attributes for `options` on a message of `time`, or refuses them with a
 * `queue_header_invalid` error (nothing is published). Unset options, and priority 0, add nothing.
 */
export function queueAttributesOf(options: QueueOptions | undefined, time: Date): QueueAttributes {
  if (!options) return {};
  const out: { -readonly [K in keyof QueueAttributes]: QueueAttributes[K] } = {};
  const { priority, notBefore, delayMs, expiresAt, ttlMs, replyTo, inReplyTo, routingKey, headers } = options;
  if (priority !== undefined) {
    if (!isPriority(priority)) throw invalid(`priority must be an integer from 0 to ${MAX_PRIORITY}, not ${String(priority)}`);
    if (priority !== 0) out.priority = priority;
  }
  if (notBefore !== undefined && delayMs !== undefined) throw invalid('give notBefore or delayMs, not both');
  if (expiresAt !== undefined && ttlMs !== undefined) throw invalid('give expiresAt or ttlMs, not both');
  const notbefore = notBefore ?? (delayMs === undefined ? undefined : offset(time, delayMs, 'delayMs'));
  const expires = expiresAt ?? (ttlMs === undefined ? undefined : offset(time, ttlMs, 'ttlMs'));
  if (notbefore !== undefined) out.notbefore = instant(notbefore, 'notBefore');
  if (expires !== undefined) out.expires = instant(expires, 'expiresAt');
  if (notbefore !== undefined && expires !== undefined && expires.getTime() <= notbefore.getTime()) {
    throw invalid('the message would expire before it may be handled (expiresAt is not after notBefore)');
  }
  if (replyTo !== undefined) {
    if (typeof replyTo !== 'string' || !TOPIC_NAME.test(replyTo)) throw invalid('replyTo must be a topic name ([A-Za-z0-9._-], at most 249 characters)');
    out.replyto = replyTo;
  }
  if (inReplyTo !== undefined) {
    if (!isToken(inReplyTo)) throw invalid('inReplyTo must be a message id (1 to 256 characters, no control characters)');
    out.inreplyto = inReplyTo;
  }
  if (routingKey !== undefined) {
    if (!isToken(routingKey)) throw invalid('routingKey must be 1 to 256 characters, no control characters');
    out.routingkey = routingKey;
  }
  if (headers !== undefined) {
    const problem = headersProblem(headers);
    if (problem) throw invalid(problem);
    // A copy, without anything but own string members.
    if (Object.keys(headers).length > 0) out.headers = { ...headers };
  }
  return out;
}

/**
 * Throws `queue_header_invalid` when a received envelope's queue attributes are ill-formed (the
 * message is then dead-lettered as a bad envelope). Costs seven property reads when it has none.
 */
export function checkQueueAttributes(envelope: QueueAttributes): void {
  const { priority, notbefore, expires, replyto, inreplyto, routingkey, headers } = envelope;
  if (
    priority === undefined &&
    notbefore === undefined &&
    expires === undefined &&
    replyto === undefined &&
    inreplyto === undefined &&
    routingkey === undefined &&
    headers === undefined
  ) {
    return;
  }
  if (priority !== undefined && !isPriority(priority)) throw invalid(`envelope attribute priority is not an integer from 0 to ${MAX_PRIORITY}`);
  if (notbefore !== undefined && !isTimestamp(notbefore)) throw invalid('envelope attribute notbefore is not an RFC 3339 time');
  if (expires !== undefined && !isTimestamp(expires)) throw invalid('envelope attribute expires is not an RFC 3339 time');
  if (replyto !== undefined && (typeof replyto !== 'string' || !TOPIC_NAME.test(replyto))) throw invalid('envelope attribute replyto is not a topic name');
  if (inreplyto !== undefined && !isToken(inreplyto)) throw invalid('envelope attribute inreplyto is not a message id');
  if (routingkey !== undefined && !isToken(routingkey)) throw invalid('envelope attribute routingkey is ill-formed');
  if (headers !== undefined) {
    const problem = headersProblem(headers);
    if (problem) throw invalid(`envelope attribute headers: ${problem}`);
  }
}

/** The routing key of a message: its `routingkey`, or its `subject` when none was set. */
export const routingKeyOf = (envelope: { readonly subject: string; readonly routingkey?: string }): string =>
  envelope.routingkey ?? envelope.subject;

/** A message's priority (0 when unset). */
export const priorityOf = (envelope: unknown): number => {
  const priority = (envelope as QueueAttributes | null)?.priority;
  return typeof priority === 'number' ? priority : 0;
};

/** When a message may be handled (epoch ms), or undefined when it has no (readable) not-before. */
export function notBeforeOf(envelope: unknown): number | undefined {
  const value = (envelope as QueueAttributes | null)?.notbefore;
  if (typeof value !== 'string') return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : at;
}

/** When a message expires (epoch ms), or undefined when it has no (readable) expiry. */
export function expiresAtOf(envelope: unknown): number | undefined {
  const value = (envelope as QueueAttributes | null)?.expires;
  if (typeof value !== 'string') return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : at;
}

/** Whether a message is past its expiry at `now` (epoch ms). */
export const isExpired = (envelope: unknown, now: number = Date.now()): boolean => {
  const at = expiresAtOf(envelope);
  return at !== undefined && at <= now;
};

/** A received envelope's queue headers, defaults filled in (priority 0, routing key = subject, no headers). */
export function queueHeadersOf(envelope: QueueAttributes & { readonly subject: string }): QueueHeaders {
  const notBefore = notBeforeOf(envelope);
  const expiresAt = expiresAtOf(envelope);
  return {
    priority: priorityOf(envelope),
    ...(notBefore === undefined ? {} : { notBefore: new Date(notBefore) }),
    ...(expiresAt === undefined ? {} : { expiresAt: new Date(expiresAt) }),
    ...(envelope.replyto === undefined ? {} : { replyTo: envelope.replyto }),
    ...(envelope.inreplyto === undefined ? {} : { inReplyTo: envelope.inreplyto }),
    routingKey: routingKeyOf(envelope),
    headers: envelope.headers ?? {},
  };
}

function isPriority(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_PRIORITY;
}

function isTimestamp(value: unknown): boolean {
  return typeof value === 'string' && RFC3339.test(value) && !Number.isNaN(Date.parse(value));
}

function isToken(value: unknown): value is string {
  return typeof value === 'string' && TOKEN.test(value);
}

function offset(time: Date, ms: unknown, name: string): Date {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw invalid(`${name} must be a non-negative number of milliseconds`);
  return new Date(time.getTime() + ms);
}

function instant(value: unknown, name: string): string {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw invalid(`${name} must be a valid Date`);
  return value.toISOString();
}

function headersProblem(headers: unknown): string | undefined {
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) return 'headers must be an object of string values';
  const entries = Object.entries(headers);
  if (entries.length > MAX_HEADERS) return `at most ${MAX_HEADERS} headers, not ${entries.length}`;
  for (const [name, value] of entries) {
    if (!HEADER_NAME.test(name)) return `header name ${JSON.stringify(name.slice(0, 80))} is not [a-z0-9-]{1,64}`;
    if (typeof value !== 'string') return `header ${name} must be a string`;
    if (value.length > MAX_HEADER_VALUE) return `header ${name} is longer than ${MAX_HEADER_VALUE} characters`;
    if (value.includes('\u0000')) return `header ${name} contains a NUL character`;
  }
  return undefined;
}
