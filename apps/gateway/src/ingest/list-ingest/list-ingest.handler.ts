import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { listIngestPage, type IngestEntryPage } from '@tributary/ingest';
import { requireRole } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { IngestEntryEntity } from '../ingest-entry.entity.js';
import { ListIngest } from './list-ingest.query.js';

/** Keyset pagination in receiving order, (received_at, id), over the tenant's entries (indexes of the migration). */
@QueryHandler(ListIngest)
export class ListIngestHandler implements IQueryHandler<ListIngest> {
  constructor(private readonly dataSource: DataSource) {}

  execute({ caller, filter }: ListIngest): Promise<IngestEntryPage> {
    return listIngestPage(this.dataSource, IngestEntryEntity, requireRole(caller, 'read_only'), filter);
  }
}
