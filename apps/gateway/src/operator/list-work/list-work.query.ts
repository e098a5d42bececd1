import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { OperatorWork } from './list-work.dto.js';

/** Projections with their rebuilds, runs and schedules (platform admin). */
export class ListOperatorWork extends Query<OperatorWork> {
  constructor(
    readonly caller: Principal,
    readonly tenantId: string | undefined,
  ) {
    super();
  }
}
