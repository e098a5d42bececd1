import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';

/** The caller's build ids in order, optionally of one project, after `after`. */
export class ListBuilds extends Query<string[]> {
  constructor(
    readonly caller: Principal,
    readonly options: { readonly projectId?: string; readonly after?: string; readonly limit: number },
  ) {
    super();
  }
}
