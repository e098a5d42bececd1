import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '../access/graphql-caller.js';
import { PageQuery } from '../access/pagination.js';
import { AppPage, AppView, CreateAppBody, UpdateAppBody } from './app.model.js';
import { AppsService } from './apps.service.js';

@Resolver(() => AppView)
export class AppsResolver {
  constructor(private readonly service: AppsService) {}

  @Query(() => AppPage, { description: "The tenant's apps" })
  apps(@GqlCaller() caller: Principal, @Args() page: PageQuery) {
    return this.service.list(caller, page);
  }

  @Query(() => AppView, { description: 'One app of the tenant' })
  app(@GqlCaller() caller: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.service.get(caller, id);
  }

  @Mutation(() => AppView, { description: 'Add an app (member)' })
  createApp(@GqlCaller() caller: Principal, @Args('input') input: CreateAppBody) {
    return this.service.create(caller, input);
  }

  @Mutation(() => AppView, { description: 'Rename, reconfigure, disable or enable an app (member)' })
  updateApp(@GqlCaller() caller: Principal, @Args('id', { type: () => ID }) id: string, @Args('input') input: UpdateAppBody) {
    return this.service.update(caller, id, input);
  }
}
