import { QueryBus } from '@nestjs/cqrs';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { ListApiKeys } from './list-api-keys.query.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { ApiKeyPage, ApiKeyView } from '../api-key.dto.js';
import { type Page, PageQuery } from '../../pagination/page.dto.js';

@Resolver()
export class ListApiKeysResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => ApiKeyPage, { description: "The tenant's API keys (never their secrets)" })
  apiKeys(@GqlCaller() caller: Principal, @Args() page: PageQuery): Promise<Page<ApiKeyView>> {
    return this.queryBus.execute(new ListApiKeys(caller, page));
  }
}
