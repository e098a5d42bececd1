import { QueryBus } from '@nestjs/cqrs';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { ListUsers } from './list-users.query.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { UserPage, UserView } from '../user.dto.js';
import { type Page, PageQuery } from '../../pagination/page.dto.js';

@Resolver()
export class ListUsersResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => UserPage, { description: "The tenant's users" })
  users(@GqlCaller() caller: Principal, @Args() page: PageQuery): Promise<Page<UserView>> {
    return this.queryBus.execute(new ListUsers(caller, page));
  }
}
