import { CommandBus } from '@nestjs/cqrs';
import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { RotateWebhookSecret } from './rotate-webhook-secret.command.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { RotateSecretBody } from './rotate-webhook-secret.dto.js';
import { WebhookSecretCreatedView } from '../webhook.dto.js';

@Resolver()
export class RotateWebhookSecretResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => WebhookSecretCreatedView, { description: 'Rotate: a new secret (shown once); the current ones expire after the overlap (member)' })
  rotateWebhookSecret(@GqlCaller() caller: Principal, @Args('webhookId', { type: () => ID }) webhookId: string, @Args('input', { nullable: true }) input?: RotateSecretBody): Promise<WebhookSecretCreatedView> {
    return this.commandBus.execute(new RotateWebhookSecret(caller, webhookId, input ?? {}));
  }
}
