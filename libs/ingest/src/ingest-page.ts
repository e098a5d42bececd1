import { cursorTimestampSql, decodeCursor, encodeCursor } from '@tributary/database';
import { TenantRepository, withTenant, type TenantContext } from '@tributary/tenancy';
import type { DataSource, EntityTarget } from 'typeorm';
import type { IngestEntryColumns } from './ingest-entry-columns.js';
import type { IngestEntryPage, IngestEntryView } from './ingest-entry.dto.js';
import { instant, toIngestEntryView } from './ingest-records.js';
import { INGEST_PAGE_SIZE, type ListIngestQuery } from './list-ingest.dto.js';

/**
 * One page of a tenant's ingest log (either app's entity), oldest first: keyset pagination in receiving order,
 * (received_at, id), filtered by extId and since, in the tenant's transaction (row-level security behind the filter).
 * `view` makes an entry's view (the shared one by default; the worker's adds its own columns to it).
 */
export function listIngestPage<E extends IngestEntryColumns>(dataSource: DataSource, entity: EntityTarget<E>, tenant: TenantContext, filter: ListIngestQuery): Promise<IngestEntryPage>;
export function listIngestPage<E extends IngestEntryColumns, V extends IngestEntryView>(
  dataSource: DataSource,
  entity: EntityTarget<E>,
  tenant: TenantContext,
  filter: ListIngestQuery,
  view: (entry: E) => V,
): Promise<{ data: V[]; nextCursor: string | null }>;
export function listIngestPage<E extends IngestEntryColumns>(
  dataSource: DataSource,
  entity: EntityTarget<E>,
  tenant: TenantContext,
  filter: ListIngestQuery,
  view: (entry: E) => IngestEntryView = toIngestEntryView,
): Promise<{ data: IngestEntryView[]; nextCursor: string | null }> {
  const limit = filter.limit ?? INGEST_PAGE_SIZE;
  const after = filter.after ? decodeCursor(filter.after) : undefined;
  const since = filter.since !== undefined ? instant(filter.since, 'since') : undefined;
  return withTenant(dataSource, tenant, async (manager) => {
    const query = new TenantRepository(manager, entity, tenant).query('e');
    if (filter.extId !== undefined) query.andWhere('e.ext_id = :extId', { extId: filter.extId });
    if (since) query.andWhere('e.received_at >= :since', { since });
    if (after) query.andWhere('(e.received_at, e.id) > (:afterAt::timestamptz, :afterId::uuid)', { afterAt: after.at, afterId: after.id });
    query.addSelect(cursorTimestampSql('e.received_at'), 'cursor_at');
    const { entities, raw } = await query
      .orderBy('e.received_at')
      .addOrderBy('e.id')
      .limit(limit + 1)
      .getRawAndEntities<{ cursor_at: string }>();
    const data = entities.slice(0, limit);
    const last = data.at(-1);
    return {
      data: data.map(view),
      nextCursor: entities.length > limit && last ? encodeCursor({ at: raw[data.length - 1].cursor_at, id: last.id }) : null,
    };
  });
}
