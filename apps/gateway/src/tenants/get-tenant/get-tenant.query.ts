import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { TenantView } from '../tenant.dto.js';

/** One tenant (platform admin). */
export class GetTenant extends Query<TenantView> {
  constructor(
    readonly caller: Principal,
    readonly id: string,
  ) {
    super();
  }
}
