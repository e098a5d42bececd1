import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '../access/graphql-caller.js';
import { PageQuery } from '../access/pagination.js';
import { ApiKeyCreatedView, ApiKeyPage, ApiKeyView, CreateApiKeyBody } from './api-key.model.js';
import { ApiKeysService } from './api-keys.service.js';

@Resolver(() => ApiKeyView)
export class ApiKeysResolver {
  constructor(private readonly keys: ApiKeysService) {}

  @Query(() => ApiKeyPage, { description: "The tenant's API keys (never their secrets)" })
  apiKeys(@GqlCaller() caller: Principal, @Args() page: PageQuery) {
    return this.keys.list(caller, page);
  }

  @Query(() => ApiKeyView, { description: 'One API key of the tenant (never its secret)' })
  apiKey(@GqlCaller() caller: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.keys.get(caller, id);
  }

  @Mutation(() => ApiKeyCreatedView, { description: 'Issue an API key, shown once (owner)' })
  createApiKey(@GqlCaller() caller: Principal, @Args('input') input: CreateApiKeyBody) {
    return this.keys.create(caller, input);
  }

  @Mutation(() => ApiKeyView, { description: 'Revoke an API key at once (owner)' })
  revokeApiKey(@GqlCaller() caller: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.keys.revoke(caller, id);
  }
}
