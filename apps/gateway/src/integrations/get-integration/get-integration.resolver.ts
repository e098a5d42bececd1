import { QueryBus } from '@nestjs/cqrs';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { GetIntegration } from './get-integration.query.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { IntegrationView } from '../integration.dto.js';

@Resolver()
export class GetIntegrationResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => IntegrationView, { description: 'One integration of the tenant' })
  integration(@GqlCaller() caller: Principal, @Args('id', { type: () => ID }) id: string): Promise<IntegrationView> {
    return this.queryBus.execute(new GetIntegration(caller, id));
  }
}
