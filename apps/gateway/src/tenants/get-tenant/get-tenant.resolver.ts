import { QueryBus } from '@nestjs/cqrs';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { GetTenant } from './get-tenant.query.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { TenantView } from '../tenant.dto.js';

@Resolver()
export class GetTenantResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => TenantView, { description: 'One tenant (platform admin)' })
  tenant(@GqlCaller() caller: Principal, @Args('id', { type: () => ID }) id: string): Promise<TenantView> {
    return this.queryBus.execute(new GetTenant(caller, id));
  }
}
