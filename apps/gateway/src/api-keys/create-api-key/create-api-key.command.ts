import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { ApiKeyCreatedView } from '../api-key.dto.js';
import type { CreateApiKeyBody } from './create-api-key.dto.js';

/** Issues an API key of the caller's tenant: a service key with a role, or a key of a user (owner). */
export class CreateApiKey extends Command<ApiKeyCreatedView> {
  constructor(
    readonly caller: Principal,
    readonly input: CreateApiKeyBody,
  ) {
    super();
  }
}
