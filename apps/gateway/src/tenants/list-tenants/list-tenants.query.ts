import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { Page, PageQuery } from '../../pagination/page.dto.js';
import type { TenantView } from '../tenant.dto.js';

/** All tenants, a page at a time (platform admin). */
export class ListTenants extends Query<Page<TenantView>> {
  constructor(
    readonly caller: Principal,
    readonly page: PageQuery,
  ) {
    super();
  }
}
