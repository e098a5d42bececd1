import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { ApiKeyView } from '../api-key.dto.js';

/** Revokes an API key at once (owner); revoking is final. */
export class RevokeApiKey extends Command<ApiKeyView> {
  constructor(
    readonly caller: Principal,
    readonly id: string,
  ) {
    super();
  }
}
