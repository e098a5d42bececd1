import { Query } from '@nestjs/cqrs';
import type { IngestEntryPage, ListIngestQuery } from '@tributary/ingest';
import type { Principal } from '@tributary/tenancy';

/** The caller's tenant's upstream answers (the worker's ingest log), oldest first, a page at a time. */
export class ListIngest extends Query<IngestEntryPage> {
  constructor(
    readonly caller: Principal,
    readonly filter: ListIngestQuery,
  ) {
    super();
  }
}
