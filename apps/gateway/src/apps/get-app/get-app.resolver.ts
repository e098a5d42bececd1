import { QueryBus } from '@nestjs/cqrs';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { GetApp } from './get-app.query.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { AppView } from '../app.dto.js';

@Resolver()
export class GetAppResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => AppView, { description: 'One app of the tenant' })
  app(@GqlCaller() caller: Principal, @Args('id', { type: () => ID }) id: string): Promise<AppView> {
    return this.queryBus.execute(new GetApp(caller, id));
  }
}
