import { CommandBus } from '@nestjs/cqrs';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CreateApiKey } from './create-api-key.command.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { ApiKeyCreatedView } from '../api-key.dto.js';
import { CreateApiKeyBody } from './create-api-key.dto.js';

@Resolver()
export class CreateApiKeyResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => ApiKeyCreatedView, { description: 'Issue an API key, shown once (owner)' })
  createApiKey(@GqlCaller() caller: Principal, @Args('input') input: CreateApiKeyBody): Promise<ApiKeyCreatedView> {
    return this.commandBus.execute(new CreateApiKey(caller, input));
  }
}
