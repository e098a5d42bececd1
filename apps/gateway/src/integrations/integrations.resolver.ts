import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '../access/graphql-caller.js';
import { PageQuery } from '../access/pagination.js';
import { CreateIntegrationBody, IntegrationPage, IntegrationView, UpdateIntegrationBody } from './integration.model.js';
import { IntegrationsService } from './integrations.service.js';

@Resolver(() => IntegrationView)
export class IntegrationsResolver {
  constructor(private readonly service: IntegrationsService) {}

  @Query(() => IntegrationPage, { description: "The tenant's integrations" })
  integrations(@GqlCaller() caller: Principal, @Args() page: PageQuery) {
    return this.service.list(caller, page);
  }

  @Query(() => IntegrationView, { description: 'One integration of the tenant' })
  integration(@GqlCaller() caller: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.service.get(caller, id);
  }

  @Mutation(() => IntegrationView, { description: "Connect some of the tenant's apps as an integration (member)" })
  createIntegration(@GqlCaller() caller: Principal, @Args('input') input: CreateIntegrationBody) {
    return this.service.create(caller, input);
  }

  @Mutation(() => IntegrationView, { description: 'Rename, change the apps of, disable or enable an integration (member)' })
  updateIntegration(@GqlCaller() caller: Principal, @Args('id', { type: () => ID }) id: string, @Args('input') input: UpdateIntegrationBody) {
    return this.service.update(caller, id, input);
  }
}
