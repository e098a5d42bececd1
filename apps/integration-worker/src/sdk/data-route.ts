import type { Type } from '@nestjs/common';
import type { TenantContext } from '@tributary/tenancy';
import type { DeploymentContext, HandlerHttp, HandlerLogger } from './integration-handler.js';

/** What a data handler gets: the tenant, its action's deployment, the outbound client and a logger. */
export interface DataContext<C extends object = object, K extends object = object> {
  readonly tenant: TenantContext;
  readonly integration: string;
  readonly method: string;
  readonly action: { readonly id: string };
  readonly deployment: DeploymentContext<C, K>;
  readonly traceId: string;
  readonly logger: HandlerLogger;
  /** Bound to the deployment's network policy; the Idempotency-Key is the fetch's own. */
  readonly http: HandlerHttp;
}

/**
 * Fetches an external resource and transforms it into the document the action serves (a JSON
 * object or array). Throwing — or not answering within the route's `timeoutMs` — serves the cached
 * document while it is valid.
 */
export interface DataHandler<D extends object, C extends object = object, K extends object = object> {
  fetch(context: DataContext<C, K>): Promise<D>;
}

export interface DataRouteDefinition<D extends object> {
  /** The method name (unique in the integration, among its topic routes too): what actions name. */
  readonly method: string;
  readonly handler: Type<DataHandler<D>>;
  /** How long a fetched document may be served when the upstream fails or is slow (seconds). */
  readonly validForSeconds: number;
  /** A fetch not done by then is answered from the cache (it goes on, and fills the cache when it ends). Default 5 s. */
  readonly timeoutMs?: number;
  readonly description?: string;
}

/** A data route as the runtime holds it. */
export interface DataRoute {
  readonly method: string;
  readonly handler: Type<DataHandler<object>>;
  readonly validForSeconds: number;
  readonly timeoutMs: number;
  readonly description: string;
}

/**
 * Declares an on-demand data method: `GET /v1/actions/:id/data?maxAge=` of an action bound to it
 * serves the handler's document, fetched now or from the cache (see docs/integrations.md).
 */
export function dataRoute<D extends object>(definition: DataRouteDefinition<D>): DataRoute {
  if (!Number.isInteger(definition.validForSeconds) || definition.validForSeconds < 1) {
    throw new Error(`Data method "${definition.method}" needs validForSeconds, a whole number of seconds ≥ 1`);
  }
  return {
    method: definition.method,
    handler: definition.handler as Type<DataHandler<object>>,
    validForSeconds: definition.validForSeconds,
    timeoutMs: definition.timeoutMs ?? 5_000,
    description: definition.description ?? '',
  };
}
