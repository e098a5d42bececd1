import { Query } from '@nestjs/cqrs';
import type { ListIngestQuery } from '@tributary/ingest';
import type { Principal } from '@tributary/tenancy';
import type { ActionAnswerPage } from '../action-answer.dto.js';

/** The caller's tenant's upstream answers (the worker's ingest log), oldest first, a page at a time. */
export class ListIngest extends Query<ActionAnswerPage> {
  constructor(
    readonly caller: Principal,
    readonly filter: ListIngestQuery,
  ) {
    super();
  }
}
