import { CommandBus } from '@nestjs/cqrs';
import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { UpdateIntegration } from './update-integration.command.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { IntegrationView } from '../integration.dto.js';
import { UpdateIntegrationBody } from './update-integration.dto.js';

@Resolver()
export class UpdateIntegrationResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => IntegrationView, { description: 'Rename, change the apps of, disable or enable an integration (member)' })
  updateIntegration(@GqlCaller() caller: Principal, @Args('id', { type: () => ID }) id: string, @Args('input') input: UpdateIntegrationBody): Promise<IntegrationView> {
    return this.commandBus.execute(new UpdateIntegration(caller, id, input));
  }
}
