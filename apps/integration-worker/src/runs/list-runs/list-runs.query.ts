import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { RunBody } from '../run.dto.js';
import type { ListRunsQuery } from './list-runs.dto.js';

/** Run records, newest first (a tenant key: its own; the admin key: all). */
export class ListRuns extends Query<RunBody[]> {
  constructor(
    readonly caller: Principal,
    readonly filter: ListRunsQuery,
  ) {
    super();
  }
}
