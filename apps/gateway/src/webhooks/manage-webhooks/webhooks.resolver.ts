import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '../../access/graphql-caller.js';
import {
  CreateWebhookBody,
  RotateSecretBody,
  UpdateWebhookBody,
  WebhookCreatedView,
  WebhookListQuery,
  WebhookPage,
  WebhookSecretCreatedView,
  WebhookSecretView,
  WebhookView,
} from './webhook.model.js';
import { WebhooksService } from './webhooks.service.js';

@Resolver(() => WebhookView)
export class WebhooksResolver {
  constructor(private readonly service: WebhooksService) {}

  @Query(() => WebhookPage, { description: "The tenant's webhooks, optionally of one app" })
  webhooks(@GqlCaller() caller: Principal, @Args() query: WebhookListQuery) {
    return this.service.list(caller, query);
  }

  @Query(() => WebhookView, { description: 'One webhook of the tenant' })
  webhook(@GqlCaller() caller: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.service.get(caller, id);
  }

  @Query(() => [WebhookSecretView], { description: "A webhook's secrets (never their values)" })
  webhookSecrets(@GqlCaller() caller: Principal, @Args('webhookId', { type: () => ID }) webhookId: string) {
    return this.service.listSecrets(caller, webhookId);
  }

  @Mutation(() => WebhookCreatedView, { description: 'Create a webhook for an app; its first secret is shown once (member)' })
  createWebhook(@GqlCaller() caller: Principal, @Args('input') input: CreateWebhookBody) {
    return this.service.create(caller, input);
  }

  @Mutation(() => WebhookView, { description: 'Rename, disable/enable a webhook or set its rate limit (member)' })
  updateWebhook(@GqlCaller() caller: Principal, @Args('id', { type: () => ID }) id: string, @Args('input') input: UpdateWebhookBody) {
    return this.service.update(caller, id, input);
  }

  @Mutation(() => WebhookSecretCreatedView, { description: 'Rotate: a new secret (shown once); the current ones expire after the overlap (member)' })
  rotateWebhookSecret(
    @GqlCaller() caller: Principal,
    @Args('webhookId', { type: () => ID }) webhookId: string,
    @Args('input', { nullable: true }) input?: RotateSecretBody,
  ) {
    return this.service.rotateSecret(caller, webhookId, input ?? {});
  }

  @Mutation(() => WebhookSecretView, { description: 'End one secret now; the last active one cannot be ended (member)' })
  expireWebhookSecret(
    @GqlCaller() caller: Principal,
    @Args('webhookId', { type: () => ID }) webhookId: string,
    @Args('secretId', { type: () => ID }) secretId: string,
  ) {
    return this.service.expireSecret(caller, webhookId, secretId);
  }
}
