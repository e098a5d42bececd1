import { CommandBus } from '@nestjs/cqrs';
import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { UpdateWebhook } from './update-webhook.command.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { UpdateWebhookBody } from './update-webhook.dto.js';
import { WebhookView } from '../webhook.dto.js';

@Resolver()
export class UpdateWebhookResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => WebhookView, { description: 'Rename, disable/enable a webhook or set its rate limit (member)' })
  updateWebhook(@GqlCaller() caller: Principal, @Args('id', { type: () => ID }) id: string, @Args('input') input: UpdateWebhookBody): Promise<WebhookView> {
    return this.commandBus.execute(new UpdateWebhook(caller, id, input));
  }
}
