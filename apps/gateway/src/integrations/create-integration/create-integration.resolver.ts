import { CommandBus } from '@nestjs/cqrs';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CreateIntegration } from './create-integration.command.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { CreateIntegrationBody } from './create-integration.dto.js';
import { IntegrationView } from '../integration.dto.js';

@Resolver()
export class CreateIntegrationResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => IntegrationView, { description: "Connect some of the tenant's apps as an integration (member)" })
  createIntegration(@GqlCaller() caller: Principal, @Args('input') input: CreateIntegrationBody): Promise<IntegrationView> {
    return this.commandBus.execute(new CreateIntegration(caller, input));
  }
}
