import { QueryBus } from '@nestjs/cqrs';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { ListApps } from './list-apps.query.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { AppPage, AppView } from '../app.dto.js';
import { type Page, PageQuery } from '../../pagination/page.dto.js';

@Resolver()
export class ListAppsResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => AppPage, { description: "The tenant's apps" })
  apps(@GqlCaller() caller: Principal, @Args() page: PageQuery): Promise<Page<AppView>> {
    return this.queryBus.execute(new ListApps(caller, page));
  }
}
