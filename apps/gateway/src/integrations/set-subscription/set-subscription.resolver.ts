import { CommandBus } from '@nestjs/cqrs';
import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { SetSubscription } from './set-subscription.command.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { IntegrationView } from '../integration.dto.js';
import { SetSubscriptionBody } from './set-subscription.dto.js';

@Resolver()
export class SetSubscriptionResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => IntegrationView, { description: "Record what a tenant paid for an integration (platform admin)" })
  setSubscription(@GqlCaller() caller: Principal, @Args('tenantId', { type: () => ID }) tenantId: string, @Args('integrationId', { type: () => ID }) integrationId: string, @Args('input') input: SetSubscriptionBody): Promise<IntegrationView> {
    return this.commandBus.execute(new SetSubscription(caller, tenantId, integrationId, input));
  }
}
