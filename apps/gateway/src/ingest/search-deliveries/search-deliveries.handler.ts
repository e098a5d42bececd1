import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { cursorTimestampSql, decodeCursor, encodeCursor } from '@tributary/database';
import { TributaryError } from '@tributary/domain';
import { INGEST_PAGE_SIZE, instant } from '@tributary/ingest';
import { requireRole, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { IngestEntryEntity } from '../ingest-entry.entity.js';
import type { DeliveryPage, DeliveryView } from './search-deliveries.dto.js';
import { SearchDeliveries } from './search-deliveries.query.js';

/**
 * Keyset pagination newest first, (received_at, id) descending, over webhook deliveries (`actor_kind = 'webhook'`).
 * A tenant key reads in its tenant's transaction (row-level security behind the filter); the platform admin key reads
 * across tenants, or one tenant's with `tenantId`.
 */
@QueryHandler(SearchDeliveries)
export class SearchDeliveriesHandler implements IQueryHandler<SearchDeliveries> {
  constructor(private readonly dataSource: DataSource) {}

  execute({ caller, filter }: SearchDeliveries): Promise<DeliveryPage> {
    const since = filter.since !== undefined ? instant(filter.since, 'since') : undefined;
    const until = filter.until !== undefined ? instant(filter.until, 'until') : undefined;
    if (since && until && until <= since) throw new TributaryError('invalid', 'validation_failed', 'until must be after since');
    const after = filter.after ? decodeCursor(filter.after) : undefined;
    const narrow = (query: SelectQueryBuilder<IngestEntryEntity>) => {
      query.andWhere(`e.actor_kind = 'webhook'`);
      if (filter.webhookId !== undefined) query.andWhere('e.actor_id = :webhookId', { webhookId: filter.webhookId });
      if (filter.status !== undefined) {
        if (filter.status.endsWith('xx')) {
          const low = Number(filter.status[0]) * 100;
          query.andWhere('e.status >= :low AND e.status < :high', { low, high: low + 100 });
        } else query.andWhere('e.status = :status', { status: Number(filter.status) });
      }
      if (filter.code !== undefined) query.andWhere('e.error_code = :code', { code: filter.code });
      if (filter.traceId !== undefined) query.andWhere('e.trace_id = :traceId', { traceId: filter.traceId });
      if (since) query.andWhere('e.received_at >= :since', { since });
      if (until) query.andWhere('e.received_at < :until', { until });
      if (after) query.andWhere('(e.received_at, e.id) < (:afterAt::timestamptz, :afterId::uuid)', { afterAt: after.at, afterId: after.id });
      return page(query, filter.limit ?? INGEST_PAGE_SIZE);
    };
    if (caller.kind === 'platform_admin') {
      const query = this.dataSource.getRepository(IngestEntryEntity).createQueryBuilder('e');
      if (filter.tenantId !== undefined) query.andWhere('e.tenant_id = :tenantId', { tenantId: filter.tenantId });
      return narrow(query);
    }
    const tenant = requireRole(caller, 'read_only');
    if (filter.tenantId !== undefined && filter.tenantId !== tenant.tenantId) {
      throw new TributaryError('forbidden', 'admin_required', "Only the platform admin key reads another tenant's deliveries");
    }
    return withTenant(this.dataSource, tenant, (manager) => narrow(new TenantRepository(manager, IngestEntryEntity, tenant).query('e')));
  }
}

async function page(query: SelectQueryBuilder<IngestEntryEntity>, limit: number): Promise<DeliveryPage> {
  const { entities, raw } = await query
    .addSelect(cursorTimestampSql('e.received_at'), 'cursor_at')
    .orderBy('e.received_at', 'DESC')
    .addOrderBy('e.id', 'DESC')
    .limit(limit + 1)
    .getRawAndEntities<{ cursor_at: string }>();
  const data = entities.slice(0, limit);
  const last = data.at(-1);
  return {
    data: data.map(toDeliveryView),
    nextCursor: entities.length > limit && last ? encodeCursor({ at: raw[data.length - 1].cursor_at, id: last.id }) : null,
  };
}

const toDeliveryView = (e: IngestEntryEntity): DeliveryView => ({
  id: e.id,
  tenantId: e.tenantId,
  webhookId: e.actorId,
  extId: e.extId,
  status: e.status,
  code: e.errorCode,
  topic: e.topic,
  eventId: e.eventId,
  traceId: e.traceId,
  durationMs: e.durationMs,
  bodySize: e.bodySize,
  contentHash: e.contentHash,
  sourceIp: e.sourceIp,
  receivedAt: e.receivedAt,
});
