import { QueryBus } from '@nestjs/cqrs';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { GetApiKey } from './get-api-key.query.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { ApiKeyView } from '../api-key.dto.js';

@Resolver()
export class GetApiKeyResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => ApiKeyView, { description: 'One API key of the tenant (never its secret)' })
  apiKey(@GqlCaller() caller: Principal, @Args('id', { type: () => ID }) id: string): Promise<ApiKeyView> {
    return this.queryBus.execute(new GetApiKey(caller, id));
  }
}
