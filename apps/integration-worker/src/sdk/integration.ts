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
  return Object.freeze(definition);
}
