import { CommandBus } from '@nestjs/cqrs';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CreateApp } from './create-app.command.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { AppView } from '../app.dto.js';
import { CreateAppBody } from './create-app.dto.js';

@Resolver()
export class CreateAppResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => AppView, { description: 'Add an app (member)' })
  createApp(@GqlCaller() caller: Principal, @Args('input') input: CreateAppBody): Promise<AppView> {
    return this.commandBus.execute(new CreateApp(caller, input));
  }
}
