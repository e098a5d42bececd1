import { CommandBus } from '@nestjs/cqrs';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CreateUser } from './create-user.command.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { CreateUserBody } from './create-user.dto.js';
import { UserView } from '../user.dto.js';

@Resolver()
export class CreateUserResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => UserView, { description: 'Add a user to the tenant (owner)' })
  createUser(@GqlCaller() caller: Principal, @Args('input') input: CreateUserBody): Promise<UserView> {
    return this.commandBus.execute(new CreateUser(caller, input));
  }
}
