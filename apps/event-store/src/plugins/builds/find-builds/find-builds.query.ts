import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { BuildView } from '../builds.dto.js';

/** Like `ListBuilds`, with each build's fields (GraphQL). */
export class FindBuilds extends Query<BuildView[]> {
  constructor(
    readonly caller: Principal,
    readonly options: { readonly projectId?: string; readonly after?: string; readonly limit: number },
  ) {
    super();
  }
}
