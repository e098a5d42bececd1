import { CommandBus } from '@nestjs/cqrs';
import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { UpdateUser } from './update-user.command.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { UpdateUserBody } from './update-user.dto.js';
import { UserView } from '../user.dto.js';

@Resolver()
export class UpdateUserResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => UserView, { description: 'Rename, change the role of, disable or enable a user (owner)' })
  updateUser(@GqlCaller() caller: Principal, @Args('id', { type: () => ID }) id: string, @Args('input') input: UpdateUserBody): Promise<UserView> {
    return this.commandBus.execute(new UpdateUser(caller, id, input));
  }
}
