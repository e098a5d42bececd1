import { CommandBus } from '@nestjs/cqrs';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { RenameOwnTenant } from './rename-own-tenant.command.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { TenantView } from '../tenant.dto.js';
import { UpdateOwnTenantBody } from './rename-own-tenant.dto.js';

@Resolver()
export class RenameOwnTenantResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => TenantView, { description: "Rename the caller's tenant (owner)" })
  updateMyTenant(@GqlCaller() caller: Principal, @Args('input') input: UpdateOwnTenantBody): Promise<TenantView> {
    return this.commandBus.execute(new RenameOwnTenant(caller, input));
  }
}
