import { CommandBus } from '@nestjs/cqrs';
import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { UpdateApp } from './update-app.command.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { AppView } from '../app.dto.js';
import { UpdateAppBody } from './update-app.dto.js';

@Resolver()
export class UpdateAppResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => AppView, { description: 'Rename, reconfigure, disable or enable an app (member)' })
  updateApp(@GqlCaller() caller: Principal, @Args('id', { type: () => ID }) id: string, @Args('input') input: UpdateAppBody): Promise<AppView> {
    return this.commandBus.execute(new UpdateApp(caller, id, input));
  }
}
