import { QueryBus } from '@nestjs/cqrs';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { ListWebhookSecrets } from './list-webhook-secrets.query.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { WebhookSecretView } from '../webhook.dto.js';

@Resolver()
export class ListWebhookSecretsResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => [WebhookSecretView], { description: "A webhook's secrets (never their values)" })
  webhookSecrets(@GqlCaller() caller: Principal, @Args('webhookId', { type: () => ID }) webhookId: string): Promise<WebhookSecretView[]> {
    return this.queryBus.execute(new ListWebhookSecrets(caller, webhookId));
  }
}
