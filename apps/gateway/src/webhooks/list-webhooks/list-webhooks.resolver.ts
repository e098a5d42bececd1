import { QueryBus } from '@nestjs/cqrs';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { ListWebhooks } from './list-webhooks.query.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import type { Page } from '../../pagination/page.dto.js';
import { WebhookListQuery } from './list-webhooks.dto.js';
import { WebhookPage, WebhookView } from '../webhook.dto.js';

@Resolver()
export class ListWebhooksResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => WebhookPage, { description: "The tenant's webhooks, optionally of one app" })
  webhooks(@GqlCaller() caller: Principal, @Args() query: WebhookListQuery): Promise<Page<WebhookView>> {
    return this.queryBus.execute(new ListWebhooks(caller, query));
  }
}
