import { CommandBus } from '@nestjs/cqrs';
import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { RevokeApiKey } from './revoke-api-key.command.js';
import type { Principal } from '@tributary/tenancy';
import { GqlCaller } from '@tributary/edge';
import { ApiKeyView } from '../api-key.dto.js';

@Resolver()
export class RevokeApiKeyResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => ApiKeyView, { description: 'Revoke an API key at once (owner)' })
  revokeApiKey(@GqlCaller() caller: Principal, @Args('id', { type: () => ID }) id: string): Promise<ApiKeyView> {
    return this.commandBus.execute(new RevokeApiKey(caller, id));
  }
}
