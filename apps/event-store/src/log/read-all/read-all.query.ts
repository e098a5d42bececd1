import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { StoredEvent } from '../stored-event.js';

export interface AllPage {
  readonly events: readonly StoredEvent[];
  /** Pass as `after` to continue; an empty page means nothing more has committed yet. */
  readonly cursor: string;
}

export interface ReadAllFilter {
  readonly types?: readonly string[];
  /** Recorded at or after (ISO-8601). */
  readonly from?: string;
  /** Recorded before (ISO-8601). */
  readonly to?: string;
  readonly after?: string;
  readonly limit?: number;
}

/** `$all` of the caller's tenant, in commit order, by type and recording time. */
export class ReadAll extends Query<AllPage> {
  constructor(
    readonly caller: Principal,
    readonly filter: ReadAllFilter,
  ) {
    super();
  }
}
