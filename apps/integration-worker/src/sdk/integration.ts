import type { Provider, Type } from '@nestjs/common';
import type { RetryPolicy } from '@tributary/messaging';
import type { TopicDefinition } from '@tributary/topics';
import type { DataRoute } from './data-route.js';
import type { HandlerClass } from './integration-handler.js';

/** Where a handler's output goes: a topic taking the output as is, or one fed by a mapping (undefined: nothing). */
export type OnSuccess<O> = TopicDefinition<O & object> | { readonly topic: TopicDefinition; readonly map: (output: O) => object | undefined };

/** A second target with its own payload, made from the output. */
export function via<O, T extends object>(topic: TopicDefinition<T>, map: (output: O) => T | undefined): OnSuccess<O> {
  return { topic: topic as unknown as TopicDefinition, map };
}

/**
 * How a route's named queue is bound to its topic (glued-integrations' exchanges): `direct` takes the
 * messages whose routing key (the `routingkey` attribute, else the `subject`) matches one of
 * `routingKeys` — dot-separated words, `*` standing for one word and `#` for any number; `fanout`
 * takes every message of the topic; `header` takes those whose `headers` have `all` (default) or
 * `any` of the given values.
 */
export type QueueBinding =
  | { readonly name: string; readonly exchange: 'direct'; readonly routingKeys: readonly string[] }
  | { readonly name: string; readonly exchange: 'fanout' }
  | { readonly name: string; readonly exchange: 'header'; readonly match?: 'all' | 'any'; readonly headers: Readonly<Record<string, string>> };

export interface RouteDefinition<I extends object, O extends object> {
  /** The method name (unique in the integration): what actions and run records name. */
  readonly method: string;
  readonly topic: TopicDefinition<I>;
  readonly handler: HandlerClass<I, O>;
  readonly onSuccess?: ReadonlyArray<OnSuccess<O>>;
  /** This handler's attempts and delays (defaults: the worker's). */
  readonly retry?: Partial<RetryPolicy>;
  /** An attempt taking longer fails (retryably) with `handler_timeout`. Default 30 s. */
  readonly timeoutMs?: number;
  /**
   * `always` (default): runs for every tenant's message, once. `per-action`: runs once per enabled action
   * of the tenant bound to this method (each with its deployment), and never without one.
   */
  readonly runs?: 'always' | 'per-action';
  readonly description?: string;
  /**
   * The reply topics this route's handler awaits replies on (`context.request(…, { replyTopic })`):
   * the worker consumes them and records their replies (`inreplyto`) for the waiting runs.
   */
  readonly replies?: readonly TopicDefinition[];
  /**
   * A named queue of its own: a consumer group (`integration-worker.q.<name>`) with its own offsets,
   * retries and dead letters, bound to the topic through an exchange (see `QueueBinding`). Without
   * it the route runs in the worker's main group. Routes sharing a queue share its binding.
   */
  readonly queue?: QueueBinding;
}

/** A route with its types erased, as the runtime holds it. */
export interface Route {
  readonly method: string;
  readonly topic: TopicDefinition;
  readonly handler: Type<unknown>;
  readonly onSuccess: ReadonlyArray<{ readonly topic: TopicDefinition; readonly map: (output: unknown) => object | undefined }>;
  readonly retry?: Partial<RetryPolicy>;
  readonly timeoutMs: number;
  readonly runs: 'always' | 'per-action';
  readonly description: string;
  readonly replies: readonly TopicDefinition[];
  readonly queue?: QueueBinding;
}

/** Declares one handler of an integration: the topic it consumes, its class and where its success goes. */
export function route<I extends object, O extends object>(definition: RouteDefinition<I, O>): Route {
  return {
    method: definition.method,
    topic: definition.topic as unknown as TopicDefinition,
    handler: definition.handler,
    onSuccess: (definition.onSuccess ?? []).map((target) =>
      'map' in target
        ? { topic: target.topic, map: target.map as (output: unknown) => object | undefined }
        : { topic: target as unknown as TopicDefinition, map: (output: unknown) => output as object },
    ),
    retry: definition.retry,
    timeoutMs: definition.timeoutMs ?? 30_000,
    runs: definition.runs ?? 'always',
    description: definition.description ?? '',
    replies: definition.replies ?? [],
    ...(definition.queue ? { queue: definition.queue } : {}),
  };
}

export interface IntegrationDefinition {
  /** kebab-case; what deployments name. */
  readonly name: string;
  readonly description: string;
  /** class-validator class a deployment's `config` must satisfy. */
  readonly config?: Type<object>;
  /** class-validator class a deployment's `credentials` must satisfy (stored encrypted, never returned). */
  readonly credentials?: Type<object>;
  readonly routes: readonly Route[];
  /** On-demand data methods: a cached, transformed view of the external service (`GET /v1/actions/:id/data`). */
  readonly data?: readonly DataRoute[];
  /** Services the handlers inject besides the platform's (DataSource, config …). */
  readonly providers?: readonly Provider[];
}

const NAME = /^[a-z][a-z0-9-]{1,62}$/;

/** The routing table of one integration: its handlers, their topics and what their success publishes. */
export function defineIntegration(definition: IntegrationDefinition): IntegrationDefinition {
  if (!NAME.test(definition.name)) throw new Error(`Integration name "${definition.name}" must be kebab-case`);
  const methods = [...definition.routes, ...(definition.data ?? [])].map((r) => r.method);
  const repeated = methods.find((m, i) => methods.indexOf(m) !== i);
  if (repeated) throw new Error(`Integration ${definition.name} declares method "${repeated}" twice`);
  for (const r of [...definition.routes, ...(definition.data ?? [])]) {
    if (!NAME.test(r.method)) throw new Error(`Method "${r.method}" of ${definition.name} must be kebab-case`);
  }
  const queues = new Map<string, QueueBinding>();
  for (const r of definition.routes) {
    if (!r.queue) continue;
    const where = `Route "${r.method}" of ${definition.name}`;
    checkBinding(r.queue, where);
    const shared = queues.get(r.queue.name);
    if (shared && !sameBinding(shared, r.queue)) throw new Error(`${where} binds queue "${r.queue.name}" differently from another route of it (routes of one queue share its binding)`);
    queues.set(r.queue.name, r.queue);
  }
  return Object.freeze(definition);
}

const HEADER_NAME = /^[a-z0-9-]{1,64}$/;
// Dot-separated words; a word is `*` (one word), `#` (any number of words) or has neither.
const KEY_WORD = /^(\*|#|[^*#.\u0000-\u001f\u007f]+)$/;

/** Throws a clear Error when a route's queue binding cannot work (at definition time). */
export function checkBinding(queue: QueueBinding, where: string): void {
  if (typeof queue.name !== 'string' || !NAME.test(queue.name)) throw new Error(`${where}: queue name "${String(queue.name)}" must be kebab-case (a-z, 0-9, -; 2 to 63 characters)`);
  const binding = queue as { exchange: string; routingKeys?: unknown; headers?: unknown; match?: unknown };
  switch (binding.exchange) {
    case 'direct': {
      const keys = binding.routingKeys;
      if (!Array.isArray(keys) || keys.length === 0) throw new Error(`${where}: a direct binding of queue "${queue.name}" needs routingKeys (at least one)`);
      for (const key of keys as unknown[]) {
        if (typeof key !== 'string' || key.length === 0 || key.length > 256 || !key.split('.').every((word) => KEY_WORD.test(word))) {
          throw new Error(`${where}: routing key ${JSON.stringify(key)} of queue "${queue.name}" must be dot-separated words, each "*", "#" or without them`);
        }
      }
      if (binding.headers !== undefined || binding.match !== undefined) throw new Error(`${where}: a direct binding of queue "${queue.name}" takes routingKeys, not headers`);
      return;
    }
    case 'fanout':
      if (binding.routingKeys !== undefined || binding.headers !== undefined || binding.match !== undefined) {
        throw new Error(`${where}: a fanout binding of queue "${queue.name}" takes every message: no routingKeys or headers`);
      }
      return;
    case 'header': {
      const headers = binding.headers;
      if (typeof headers !== 'object' || headers === null || Array.isArray(headers) || Object.keys(headers).length === 0) {
        throw new Error(`${where}: a header binding of queue "${queue.name}" needs headers (at least one name and value)`);
      }
      for (const [name, value] of Object.entries(headers)) {
        if (!HEADER_NAME.test(name)) throw new Error(`${where}: header name "${name}" of queue "${queue.name}" must be a-z, 0-9 or - (as message headers are)`);
        if (typeof value !== 'string') throw new Error(`${where}: header "${name}" of queue "${queue.name}" must be matched against a string`);
      }
      if (binding.match !== undefined && binding.match !== 'all' && binding.match !== 'any') throw new Error(`${where}: match of queue "${queue.name}" must be "all" or "any"`);
      if (binding.routingKeys !== undefined) throw new Error(`${where}: a header binding of queue "${queue.name}" takes headers, not routingKeys`);
      return;
    }
    default:
      throw new Error(`${where}: queue "${queue.name}" has exchange ${JSON.stringify(binding.exchange)}; it must be "direct", "fanout" or "header"`);
  }
}

/** Whether two routes' queue bindings are the same (routing keys as a set, match defaulting to all). */
export function sameBinding(a: QueueBinding, b: QueueBinding): boolean {
  return canonicalBinding(a) === canonicalBinding(b);
}

function canonicalBinding(queue: QueueBinding): string {
  switch (queue.exchange) {
    case 'direct':
      return JSON.stringify([queue.name, 'direct', [...new Set(queue.routingKeys)].sort()]);
    case 'fanout':
      return JSON.stringify([queue.name, 'fanout']);
    case 'header':
      return JSON.stringify([queue.name, 'header', queue.match ?? 'all', Object.entries(queue.headers).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))]);
  }
}
