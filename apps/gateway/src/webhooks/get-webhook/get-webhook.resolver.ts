import { QueryBus } from '@nestjs/cqrs';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { GetWebhook } from './get-webhook.query.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { WebhookView } from '../webhook.dto.js';

@Resolver()
export class GetWebhookResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => WebhookView, { description: 'One webhook of the tenant' })
  webhook(@GqlCaller() caller: Principal, @Args('id', { type: () => ID }) id: string): Promise<WebhookView> {
    return this.queryBus.execute(new GetWebhook(caller, id));
  }
}
