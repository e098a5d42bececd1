import { QueryBus } from '@nestjs/cqrs';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { ListIntegrations } from './list-integrations.query.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { IntegrationPage, IntegrationView } from '../integration.dto.js';
import { type Page, PageQuery } from '../../pagination/page.dto.js';

@Resolver()
export class ListIntegrationsResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => IntegrationPage, { description: "The tenant's integrations" })
  integrations(@GqlCaller() caller: Principal, @Args() page: PageQuery): Promise<Page<IntegrationView>> {
    return this.queryBus.execute(new ListIntegrations(caller, page));
  }
}
