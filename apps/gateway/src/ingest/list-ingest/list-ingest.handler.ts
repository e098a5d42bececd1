import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { requireRole, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor } from '../../pagination/keyset-pagination.js';
import { DEFAULT_PAGE_SIZE, type Page } from '../../pagination/page.dto.js';
import { IngestEntryEntity } from '../ingest-entry.entity.js';
import type { IngestEntryView } from '../ingest-entry.dto.js';
import { instant, toIngestEntryView } from '../ingest-records.js';
import { ListIngest } from './list-ingest.query.js';

/** Keyset pagination in receiving order, (received_at, id), over the tenant's entries (indexes of the migration). */
@QueryHandler(ListIngest)
export class ListIngestHandler implements IQueryHandler<ListIngest> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, filter }: ListIngest): Promise<Page<IngestEntryView>> {
    const tenant = requireRole(caller, 'read_only');
    const limit = filter.limit ?? DEFAULT_PAGE_SIZE;
    const after = filter.after ? decodeCursor(filter.after) : undefined;
    return withTenant(this.dataSource, tenant, async (manager) => {
      const query = new TenantRepository(manager, IngestEntryEntity, tenant).query('e');
      if (filter.extId !== undefined) query.andWhere('e.ext_id = :extId', { extId: filter.extId });
      if (filter.since !== undefined) query.andWhere('e.received_at >= :since', { since: instant(filter.since, 'since') });
      if (after) query.andWhere('(e.received_at, e.id) > (:afterAt::timestamptz, :afterId::uuid)', { afterAt: after.at, afterId: after.id });
      // The cursor keeps the database's microseconds, which a JavaScript Date would round away.
      query.addSelect(`to_char(e.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`, 'cursor_at');
      const { entities, raw } = await query
        .orderBy('e.received_at')
        .addOrderBy('e.id')
        .limit(limit + 1)
        .getRawAndEntities<{ cursor_at: string }>();
      const data = entities.slice(0, limit);
      const last = data.at(-1);
      return {
        data: data.map(toIngestEntryView),
        nextCursor: entities.length > limit && last ? encodeCursor({ at: raw[data.length - 1].cursor_at, id: last.id }) : null,
      };
    });
  }
}
