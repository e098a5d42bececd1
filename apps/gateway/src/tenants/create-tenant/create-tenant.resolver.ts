import { CommandBus } from '@nestjs/cqrs';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CreateTenant } from './create-tenant.command.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { CreateTenantBody } from './create-tenant.dto.js';
import { TenantCreatedView } from '../tenant.dto.js';

@Resolver()
export class CreateTenantResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => TenantCreatedView, { description: 'Create a tenant and its first owner API key, shown once (platform admin)' })
  createTenant(@GqlCaller() caller: Principal, @Args('input') input: CreateTenantBody): Promise<TenantCreatedView> {
    return this.commandBus.execute(new CreateTenant(caller, input));
  }
}
