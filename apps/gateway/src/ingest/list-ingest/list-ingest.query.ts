import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { Page } from '../../pagination/page.dto.js';
import type { IngestEntryView } from '../ingest-entry.dto.js';
import type { ListIngestQuery } from './list-ingest.dto.js';

/** The caller's tenant's ingest log, oldest first, a page at a time. */
export class ListIngest extends Query<Page<IngestEntryView>> {
  constructor(
    readonly caller: Principal,
    readonly filter: ListIngestQuery,
  ) {
    super();
  }
}
