import { CommandBus } from '@nestjs/cqrs';
import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { UpdateTenant } from './update-tenant.command.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { TenantView } from '../tenant.dto.js';
import { UpdateTenantBody } from './update-tenant.dto.js';

@Resolver()
export class UpdateTenantResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => TenantView, { description: 'Rename, disable/enable a tenant or set its rate limit (platform admin)' })
  updateTenant(@GqlCaller() caller: Principal, @Args('id', { type: () => ID }) id: string, @Args('input') input: UpdateTenantBody): Promise<TenantView> {
    return this.commandBus.execute(new UpdateTenant(caller, id, input));
  }
}
