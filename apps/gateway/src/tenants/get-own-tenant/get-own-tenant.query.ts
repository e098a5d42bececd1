import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { TenantView } from '../tenant.dto.js';

/** The caller's own tenant. */
export class GetOwnTenant extends Query<TenantView> {
  constructor(
    readonly caller: Principal,
  ) {
    super();
  }
}
