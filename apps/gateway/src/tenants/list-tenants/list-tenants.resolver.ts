import { QueryBus } from '@nestjs/cqrs';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { ListTenants } from './list-tenants.query.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { TenantPage, TenantView } from '../tenant.dto.js';
import { type Page, PageQuery } from '../../pagination/page.dto.js';

@Resolver()
export class ListTenantsResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => TenantPage, { description: 'All tenants (platform admin)' })
  tenants(@GqlCaller() caller: Principal, @Args() page: PageQuery): Promise<Page<TenantView>> {
    return this.queryBus.execute(new ListTenants(caller, page));
  }
}
