import { CommandBus } from '@nestjs/cqrs';
import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { GqlCaller } from '@tributary/edge';
import type { Principal } from '@tributary/tenancy';
import { PLATFORM_ADMIN_KEY_REQUIRED, RedriveResult } from '../operator.dto.js';
import { RedriveDeadLetter } from './redrive-dead-letter.command.js';

@Resolver()
export class RedriveDeadLetterResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => RedriveResult, { description: 'Sends a dead letter’s message back to be handled again and removes the dead letter' })
  redriveDeadLetter(
    @GqlCaller(PLATFORM_ADMIN_KEY_REQUIRED) caller: Principal,
    @Args('id', { type: () => ID, description: 'The dead letter id' }) id: string,
  ): Promise<RedriveResult> {
    return this.commandBus.execute(new RedriveDeadLetter(caller, id));
  }
}
