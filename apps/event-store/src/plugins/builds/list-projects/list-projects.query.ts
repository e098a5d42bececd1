import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';

/** The caller's project ids (those with at least one build). */
export class ListProjects extends Query<string[]> {
  constructor(readonly caller: Principal) {
    super();
  }
}
