import type { Type } from '@nestjs/common';
import type { TenantContext } from '@tributary/tenancy';
import type { TopicDefinition } from '@tributary/topics';
import type { EntityManager } from 'typeorm';

const SKIPPED = Symbol('tributary.skipped');

/** A handler's "nothing to do" (recorded as a `skip` run with its reason; nothing is published). */
export interface Skipped {
  readonly [SKIPPED]: true;
  readonly reason: string;
}

export const skipped = (reason: string): Skipped => ({ [SKIPPED]: true, reason });
export const isSkipped = (value: unknown): value is Skipped => typeof value === 'object' && value !== null && SKIPPED in value;

/** What a handler returns: one output, several (each published to every onSuccess target), none, or a skip. */
export type HandlerResult<O> = O | readonly O[] | Skipped | void | undefined;

/** The deployment a handler runs for: its configuration and decrypted credentials (never log them). */
export interface DeploymentContext<C extends object = object, K extends object = object> {
  readonly id: string;
  readonly name: string;
  readonly config: C;
  readonly credentials: K;
}

/** Structured logs bound to the message (trace id, tenant, event id, integration and method on every line). */
export interface HandlerLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What an outbound HTTP answer is, as a handler sees it. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  /** The address the answer came from: the peer of the connection it came over (absent if the socket had none). */
  readonly remoteAddress?: string;
}

export interface HttpRequest {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly headers?: Record<string, string>;
  /** Sent as JSON. */
  readonly json?: unknown;
  /** Sent as `application/x-www-form-urlencoded` (e.g. an OAuth token request); not with `json`. */
  readonly form?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  /** Attempts in all for answers 429/5xx and network failures (default 3). */
  readonly attempts?: number;
}

/** Outbound calls with timeouts, retries honouring Retry-After, the run's Idempotency-Key and the private-address guard. */
export interface HandlerHttp {
  request(request: HttpRequest): Promise<HttpAnswer>;
}

/**
 * Everything a handler gets besides its input. `O` is the handler's output type.
 */
export interface HandlerContext<O = unknown, C extends object = object, K extends object = object> {
  readonly tenant: TenantContext;
  readonly integration: string;
  readonly method: string;
  /** Set when the handler runs as a tenant's action (by topic, schedule or hand). */
  readonly action?: { readonly id: string; readonly trigger: 'topic' | 'schedule' | 'manual' };
  /** Set when the route needs a deployment. */
  readonly deployment?: DeploymentContext<C, K>;
  readonly messageId: string;
  readonly topic: string;
  readonly traceId: string;
  readonly traceparent: string;
  readonly correlationId: string;
  /** 1 on first delivery; counted across restarts. */
  readonly attempt: number;
  /** Stable for this message × handler × action: send it to external services so a retry is recognised. */
  readonly idempotencyKey: string;
  readonly logger: HandlerLogger;
  readonly http: HandlerHttp;
  /**
   * Runs `work` in the transaction that also claims this message in the handler's inbox and
   * publishes what `work` returns to the route's onSuccess targets: the handler's own database
   * effect happens exactly once. Without a call to `commit`, the runtime commits the returned output.
   * A redelivered message that another attempt already committed gets a skip, and `work` does not run.
   */
  commit<R extends HandlerResult<O>>(work: (db: EntityManager) => Promise<R>): Promise<R | Skipped>;
  /**
   * An external effect done once per `name` and this context's idempotency key: the intent is recorded
   * before `effect` runs and its result after; a repeat returns the recorded result without running it.
   * When the process died in between, `options.onUnknown` decides: done again with the same identity,
   * or given up (see docs/integrations.md).
   */
  once<R>(name: string, effect: (key: string, attempt: EffectAttempt) => Promise<R>, options: OnceOptions<R>): Promise<R>;
  skip(reason: string): Skipped;
  /** Adds the external service's id for what this run created and the answer (hashed) to the run record. */
  record(details: { foreignId?: string; response?: unknown }): void;
  /**
   * Sends `payload` to `topic` as a request (its `replyto` is `options.replyTopic`, which the route
   * declares in `replies`) and waits for the reply: resolves with its payload, typed by the reply
   * topic. Durable: the request is sent once per run and `options.name` (default: its order among
   * this run's requests) — a retried or restarted run sends nothing again and finds the reply the
   * worker recorded meanwhile (or goes on waiting). No reply within `timeoutMs` (default 10 s, within
   * the route's `timeoutMs`) fails the attempt with the retryable `request_timeout`. Only a reply
   * of this tenant answers it.
   */
  request<Q extends object, R extends object>(topic: TopicDefinition<Q>, payload: Q, options: RequestOptions<R>): Promise<R>;
  /**
   * Leaves this message unsettled when the handler returns — for work that finishes elsewhere (an
   * external system calls back). Returns the token that settles it (`POST /v1/settlements/{token}`,
   * or `settle` in another handler): `ack` (with the output, published to onSuccess and any reply-to
   * then, once), `nack` (delivered again, with backoff) or `reject` (dead letter `rejected`). Until
   * then the message is held: later messages of its key wait behind it, other keys flow. Not settled
   * within `deadlineMs`, it is delivered again as its next attempt (up to the route's maxAttempts,
   * then dead-lettered `settlement_lapsed`). What the handler returns is not published. `deadlineMs`
   * is 1 ms to 7 days; outside that the attempt fails with `settle_later_unsupported`.
   */
  settleLater(options: { readonly deadlineMs: number }): Promise<string>;
  /** Settles a message of this tenant that another run left unsettled (`settleLater`'s token); see `SettleOutcome`. */
  settle(token: string, outcome: SettleOutcome): Promise<SettledState>;
}

export interface RequestOptions<R extends object> {
  readonly replyTopic: TopicDefinition<R>;
  /** How long to wait for the reply (default 10 000 ms; at most the route's `timeoutMs`). */
  readonly timeoutMs?: number;
  /** Names the request within the run (default: `request-<n>`, its order among the run's requests). */
  readonly name?: string;
}

/** How a message left unsettled is settled: acknowledged (with the handler's output, if any), retried, or given up. */
export type SettleOutcome =
  | { readonly outcome: 'ack'; readonly output?: object }
  | { readonly outcome: 'nack'; readonly reason?: string }
  | { readonly outcome: 'reject'; readonly reason?: string };

/** A settlement's state: `pending` until settled, then what settled it (`lapsed`: its deadline passed first). */
export interface SettledState {
  readonly state: 'pending' | 'acked' | 'nacked' | 'rejected' | 'lapsed';
  readonly messageId: string;
  readonly integration: string;
  readonly method: string;
  readonly attempt: number;
  readonly deadline: string;
  readonly settledAt: string | null;
  readonly reason: string | null;
  /** Messages the ack published (onSuccess targets and the reply). */
  readonly outputs: number;
  /** True when this call repeated the outcome already recorded (nothing was done again). */
  readonly repeated: boolean;
}

/**
 * What `once` does when an earlier attempt recorded its intent but not its outcome (the process died
 * during the effect, and its lease ran out): repeat it under its idempotency identity
 * (at-least-once), or give up unless it can be shown not to have happened (at-most-once).
 */
export type OnceOptions<R> = RepeatWhenUnknown | GiveUpWhenUnknown<R>;

/**
 * At least once: the effect is done again, carrying the same `identity`, by which its receiver drops
 * the repeat (a mail's Message-ID, an HTTP Idempotency-Key). For effects a customer would rather see
 * twice than never.
 */
export interface RepeatWhenUnknown {
  /** The effect's own idempotency key when it is not per message (e.g. one notification per transition). */
  readonly key?: string;
  readonly onUnknown: 'repeat';
  /**
   * What the receiver recognises a repeat by — the same on every attempt: derive it from what the
   * effect is about, never from the attempt. Recorded with the intent; a repeat under another identity
   * than the recorded one still goes out (its receiver cannot drop it) and is logged as a warning.
   */
  readonly identity: string;
}

/** At most once: for effects that must never happen twice. */
export interface GiveUpWhenUnknown<R> {
  /** The effect's own idempotency key when it is not per message (e.g. one notification per transition). */
  readonly key?: string;
  readonly onUnknown?: 'give-up';
  /**
   * Asked when an earlier attempt's outcome is unknown: return the outcome if the effect happened, or
   * the outcome to record instead when it cannot be known (give up: e.g. flagged unconfirmed); it is
   * done again only when this returns undefined, which it must only when the effect can be shown
   * not to have happened.
   */
  readonly reconcile: (key: string) => Promise<R | undefined>;
}

/** What an effect is told about its attempt. */
export interface EffectAttempt {
  /**
   * True when an earlier attempt's outcome is unknown and this one does the effect again (with
   * `onUnknown: 'repeat'`): the receiver may get it twice and drops the repeat by its identity.
   */
  readonly repeat: boolean;
}

/** One handler per topic: typed input (the topic's payload) and output (what onSuccess publishes). */
export interface IntegrationHandler<I extends object, O extends object = never, C extends object = object, K extends object = object> {
  handle(input: I, context: HandlerContext<O, C, K>): Promise<HandlerResult<O>>;
}

export type HandlerClass<I extends object, O extends object> = Type<IntegrationHandler<I, O>>;
