import { QueryBus } from '@nestjs/cqrs';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { GetUser } from './get-user.query.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { UserView } from '../user.dto.js';

@Resolver()
export class GetUserResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => UserView, { description: 'One user of the tenant' })
  user(@GqlCaller() caller: Principal, @Args('id', { type: () => ID }) id: string): Promise<UserView> {
    return this.queryBus.execute(new GetUser(caller, id));
  }
}
