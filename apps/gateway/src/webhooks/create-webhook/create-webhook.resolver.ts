import { CommandBus } from '@nestjs/cqrs';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CreateWebhook } from './create-webhook.command.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { CreateWebhookBody } from './create-webhook.dto.js';
import { WebhookCreatedView } from '../webhook.dto.js';

@Resolver()
export class CreateWebhookResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => WebhookCreatedView, { description: 'Create a webhook for an app; its first secret is shown once (member)' })
  createWebhook(@GqlCaller() caller: Principal, @Args('input') input: CreateWebhookBody): Promise<WebhookCreatedView> {
    return this.commandBus.execute(new CreateWebhook(caller, input));
  }
}
