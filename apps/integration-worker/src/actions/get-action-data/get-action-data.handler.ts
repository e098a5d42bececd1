import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { isUuid, TributaryError } from '@tributary/domain';
import { describeError } from '@tributary/messaging';
import { TenantContext, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { DeploymentEntity } from '../../deployments/deployment.entity.js';
import { integrationNamed } from '../../deployments/integration-settings.js';
import { DataFetcher } from '../../runtime/data-fetcher.js';
import { DeploymentDirectory, type ActionTarget } from '../../runtime/deployment-directory.js';
import { INTEGRATIONS } from '../../runtime/integration-runtime.js';
import type { DataRoute } from '../../sdk/data-route.js';
import type { IntegrationDefinition } from '../../sdk/integration.js';
import { ActionDataEntity } from '../action-data.entity.js';
import { ActionEntity } from '../action.entity.js';
import type { ActionDataAnswer } from './action-data-answer.js';
import { GetActionData } from './get-action-data.query.js';

interface DataAction {
  integration: string;
  method: string;
  enabled: boolean;
}

const TIMED_OUT = Symbol('timed out');

/**
 * The freshness policy of a data action: a cached document younger than `maxAge` is fresh (200); else
 * the upstream is asked (200 with what it gives); when it fails or does not answer within the route's
 * timeout, the cached document is served while valid (203), and past its validity the answer is 502
 * `upstream_stale` with the expired document, if any.
 */
@QueryHandler(GetActionData)
export class GetActionDataHandler implements IQueryHandler<GetActionData> {
  constructor(
    @Inject(INTEGRATIONS) private readonly integrations: readonly IntegrationDefinition[],
    private readonly dataSource: DataSource,
    private readonly directory: DeploymentDirectory,
    private readonly fetcher: DataFetcher,
  ) {}

  async execute({ caller, actionId, maxAgeSeconds, traceId }: GetActionData): Promise<ActionDataAnswer> {
    const tenant = TenantContext.of(caller);
    const found = isUuid(actionId) ? await this.actionWithCache(tenant, actionId) : undefined;
    if (!found) throw new TributaryError('not_found', 'action_not_found', 'No such action');
    const { action, cached } = found;
    const route = integrationNamed(this.integrations, action.integration).data?.find((r) => r.method === action.method);
    if (!route) throw new TributaryError('invalid', 'action_serves_no_data', `${action.integration}.${action.method} is not a data method`);
    if (!action.enabled) throw new TributaryError('conflict', 'action_disabled', 'The action or its deployment is disabled');

    const now = Date.now();
    if (cached && now - cached.fetchedAt.getTime() < maxAgeSeconds * 1000) return served(cached, 200, 'cache', now);
    const target = await this.directory.action(this.dataSource, tenant.tenantId, actionId);
    if (!target) throw new TributaryError('conflict', 'action_disabled', 'The action or its deployment is disabled');
    try {
      const fetched = await this.fetchWithin(tenant, target, route, traceId, cached);
      if (fetched !== TIMED_OUT) return served(fetched, 200, 'upstream', Date.now());
      return fallback(cached, { code: 'upstream_timeout', message: `The upstream did not answer within ${route.timeoutMs} ms` }, Date.now());
    } catch (error) {
      const { code, message } = describeError(error);
      return fallback(cached, { code, message }, Date.now());
    }
  }

  /** The tenant's action with its deployment's integration, and its cached document (null before the first fetch). */
  private actionWithCache(tenant: TenantContext, actionId: string): Promise<{ action: DataAction; cached: ActionDataEntity | null } | undefined> {
    return withTenant(this.dataSource, tenant, async (db) => {
      const action = await new TenantRepository(db, ActionEntity, tenant)
        .query('a')
        .innerJoin(DeploymentEntity, 'd', 'd.id = a.deploymentId')
        .select('d.integration', 'integration')
        .addSelect('a.method', 'method')
        .addSelect('a.enabled AND d.enabled', 'enabled')
        .andWhere('a.id = :id', { id: actionId })
        .getRawOne<DataAction>();
      if (!action) return undefined;
      return { action, cached: await new TenantRepository(db, ActionDataEntity, tenant).findOne({ actionId }) };
    });
  }

  /**
   * The upstream's document, kept in the cache; TIMED_OUT when the route's timeout passes first (the fetch goes on).
   * `cached` is what the caller saw: a document fetched since (by another replica, while this one waited for its
   * fetch) is served as fetched now.
   */
  private async fetchWithin(
    tenant: TenantContext,
    target: ActionTarget,
    route: DataRoute,
    traceId: string,
    cached: ActionDataEntity | null,
  ): Promise<ActionDataEntity | typeof TIMED_OUT> {
    const { actionId } = target;
    let kept: ActionDataEntity | undefined;
    const fetching = this.fetcher.fetch(target, route, traceId, {
      seen: cached?.fetchedAt ?? null,
      read: () => withTenant(this.dataSource, tenant, (db) => new TenantRepository(db, ActionDataEntity, tenant).findOne({ actionId })),
      keep: async (document) => {
        const fetchedAt = new Date();
        kept = { actionId, tenantId: tenant.tenantId, document, fetchedAt, validUntil: new Date(fetchedAt.getTime() + route.validForSeconds * 1000) };
        const row = kept;
        await withTenant(this.dataSource, tenant, (db) =>
          db.createQueryBuilder().insert().into(ActionDataEntity).values(row).orUpdate(['document', 'fetched_at', 'valid_until'], ['action_id']).execute(),
        );
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), route.timeoutMs)));
    // A fetch that ends after the timeout still fills the cache; its failure is logged by the DataFetcher, and
    // answered here only when it comes in time (the race below): nothing else is waiting for it.
    fetching.catch(() => undefined);
    try {
      const outcome = await Promise.race([fetching, timeout]);
      if (outcome === TIMED_OUT) return TIMED_OUT;
      return kept ?? (await this.cachedRow(tenant, actionId, outcome));
    } finally {
      clearTimeout(timer);
    }
  }

  /** A caller that joined another's fetch (in this process or another replica): the row that fetch kept. */
  private async cachedRow(tenant: TenantContext, actionId: string, document: object): Promise<ActionDataEntity> {
    const row = await withTenant(this.dataSource, tenant, (db) => new TenantRepository(db, ActionDataEntity, tenant).findOne({ actionId }));
    const fetchedAt = new Date();
    return row ?? { actionId, tenantId: tenant.tenantId, document, fetchedAt, validUntil: fetchedAt };
  }
}

function served(row: ActionDataEntity, status: 200 | 203, source: 'upstream' | 'cache', now: number, upstreamError?: { code: string; message: string }): ActionDataAnswer {
  return {
    status,
    data: row.document,
    ageSeconds: ageOf(row, now),
    fetchedAt: row.fetchedAt,
    validUntil: row.validUntil,
    source,
    ...(upstreamError ? { upstreamError } : {}),
  };
}

/** The upstream failed: the cache while it is valid (203), else 502 with what is left of it. */
function fallback(cached: ActionDataEntity | null, upstreamError: { code: string; message: string }, now: number): ActionDataAnswer {
  if (cached && now < cached.validUntil.getTime()) return served(cached, 203, 'cache', now, upstreamError);
  const why = cached ? `its cached document expired at ${cached.validUntil.toISOString()}` : 'nothing was ever fetched';
  return {
    status: 502,
    message: `The upstream failed (${upstreamError.code}: ${upstreamError.message}) and ${why}`,
    data: cached?.document ?? null,
    ageSeconds: cached ? ageOf(cached, now) : null,
  };
}

const ageOf = (row: ActionDataEntity, now: number) => Math.max(0, Math.floor((now - row.fetchedAt.getTime()) / 1000));
