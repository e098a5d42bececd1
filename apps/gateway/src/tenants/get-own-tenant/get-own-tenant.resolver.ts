import { QueryBus } from '@nestjs/cqrs';
import { Query, Resolver } from '@nestjs/graphql';
import { GetOwnTenant } from './get-own-tenant.query.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { TenantView } from '../tenant.dto.js';

@Resolver()
export class GetOwnTenantResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => TenantView, { description: "The caller's own tenant" })
  myTenant(@GqlCaller() caller: Principal): Promise<TenantView> {
    return this.queryBus.execute(new GetOwnTenant(caller));
  }
}
