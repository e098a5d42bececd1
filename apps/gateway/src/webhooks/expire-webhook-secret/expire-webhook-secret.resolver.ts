import { CommandBus } from '@nestjs/cqrs';
import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { ExpireWebhookSecret } from './expire-webhook-secret.command.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { WebhookSecretView } from '../webhook.dto.js';

@Resolver()
export class ExpireWebhookSecretResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => WebhookSecretView, { description: 'End one secret now; the last active one cannot be ended (member)' })
  expireWebhookSecret(@GqlCaller() caller: Principal, @Args('webhookId', { type: () => ID }) webhookId: string, @Args('secretId', { type: () => ID }) secretId: string): Promise<WebhookSecretView> {
    return this.commandBus.execute(new ExpireWebhookSecret(caller, webhookId, secretId));
  }
}
