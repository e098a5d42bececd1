import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '../access/graphql-caller.js';
import { PageQuery } from '../access/pagination.js';
import { CreateUserBody, UpdateUserBody, UserPage, UserView } from './user.model.js';
import { UsersService } from './users.service.js';

@Resolver(() => UserView)
export class UsersResolver {
  constructor(private readonly service: UsersService) {}

  @Query(() => UserPage, { description: "The tenant's users" })
  users(@GqlCaller() caller: Principal, @Args() page: PageQuery) {
    return this.service.list(caller, page);
  }

  @Query(() => UserView, { description: 'One user of the tenant' })
  user(@GqlCaller() caller: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.service.get(caller, id);
  }

  @Mutation(() => UserView, { description: 'Add a user to the tenant (owner)' })
  createUser(@GqlCaller() caller: Principal, @Args('input') input: CreateUserBody) {
    return this.service.create(caller, input);
  }

  @Mutation(() => UserView, { description: 'Rename, change the role of, disable or enable a user (owner)' })
  updateUser(@GqlCaller() caller: Principal, @Args('id', { type: () => ID }) id: string, @Args('input') input: UpdateUserBody) {
    return this.service.update(caller, id, input);
  }
}
