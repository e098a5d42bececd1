import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '../access/graphql-caller.js';
import { PageQuery } from '../access/pagination.js';
import { ApiKeyCreatedView } from '../api-keys/api-key.model.js';
import { IntegrationView } from '../integrations/integration.model.js';
import { IntegrationsService } from '../integrations/integrations.service.js';
import {
  CreateTenantBody,
  IssueTenantKeyBody,
  SetSubscriptionBody,
  TenantCreatedView,
  TenantPage,
  TenantView,
  UpdateOwnTenantBody,
  UpdateTenantBody,
} from './tenant.model.js';
import { TenantsService } from './tenants.service.js';

@Resolver(() => TenantView)
export class TenantsResolver {
  constructor(
    private readonly service: TenantsService,
    private readonly integrations: IntegrationsService,
  ) {}

  @Query(() => TenantPage, { description: 'All tenants (platform admin)' })
  tenants(@GqlCaller() caller: Principal, @Args() page: PageQuery) {
    return this.service.list(caller, page);
  }

  @Query(() => TenantView, { description: 'One tenant (platform admin)' })
  tenant(@GqlCaller() caller: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.service.get(caller, id);
  }

  @Query(() => TenantView, { description: "The caller's own tenant" })
  myTenant(@GqlCaller() caller: Principal) {
    return this.service.own(caller);
  }

  @Mutation(() => TenantCreatedView, { description: 'Create a tenant and its first owner API key, shown once (platform admin)' })
  createTenant(@GqlCaller() caller: Principal, @Args('input') input: CreateTenantBody) {
    return this.service.create(caller, input);
  }

  @Mutation(() => TenantView, { description: 'Rename, disable/enable a tenant or set its rate limit (platform admin)' })
  updateTenant(@GqlCaller() caller: Principal, @Args('id', { type: () => ID }) id: string, @Args('input') input: UpdateTenantBody) {
    return this.service.update(caller, id, input);
  }

  @Mutation(() => ApiKeyCreatedView, { description: 'Issue an API key for a tenant, shown once (platform admin)' })
  issueTenantApiKey(@GqlCaller() caller: Principal, @Args('tenantId', { type: () => ID }) tenantId: string, @Args('input') input: IssueTenantKeyBody) {
    return this.service.issueKey(caller, tenantId, input);
  }

  @Mutation(() => IntegrationView, { description: "Record what a tenant paid for an integration (platform admin)" })
  setSubscription(
    @GqlCaller() caller: Principal,
    @Args('tenantId', { type: () => ID }) tenantId: string,
    @Args('integrationId', { type: () => ID }) integrationId: string,
    @Args('input') input: SetSubscriptionBody,
  ) {
    return this.integrations.setSubscription(caller, tenantId, integrationId, input);
  }

  @Mutation(() => TenantView, { description: "Rename the caller's tenant (owner)" })
  updateMyTenant(@GqlCaller() caller: Principal, @Args('input') input: UpdateOwnTenantBody) {
    return this.service.renameOwn(caller, input);
  }
}
