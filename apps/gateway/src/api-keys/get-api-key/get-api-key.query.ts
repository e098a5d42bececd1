import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { ApiKeyView } from '../api-key.dto.js';

/** One API key of the caller's tenant (never its secret). */
export class GetApiKey extends Query<ApiKeyView> {
  constructor(
    readonly caller: Principal,
    readonly id: string,
  ) {
    super();
  }
}
