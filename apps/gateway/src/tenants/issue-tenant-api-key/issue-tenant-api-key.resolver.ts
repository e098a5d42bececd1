import { CommandBus } from '@nestjs/cqrs';
import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { IssueTenantApiKey } from './issue-tenant-api-key.command.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { ApiKeyCreatedView } from '../../api-keys/api-key.dto.js';
import { IssueTenantKeyBody } from './issue-tenant-api-key.dto.js';

@Resolver()
export class IssueTenantApiKeyResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => ApiKeyCreatedView, { description: 'Issue an API key for a tenant, shown once (platform admin)' })
  issueTenantApiKey(@GqlCaller() caller: Principal, @Args('tenantId', { type: () => ID }) tenantId: string, @Args('input') input: IssueTenantKeyBody): Promise<ApiKeyCreatedView> {
    return this.commandBus.execute(new IssueTenantApiKey(caller, tenantId, input));
  }
}
