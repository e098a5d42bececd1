import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { ApiKeyCreatedView } from '../../api-keys/api-key.dto.js';
import type { IssueTenantKeyBody } from './issue-tenant-api-key.dto.js';

/** The platform admin hands a tenant a key (provisioning, or recovery when its owners lost theirs). */
export class IssueTenantApiKey extends Command<ApiKeyCreatedView> {
  constructor(
    readonly caller: Principal,
    readonly tenantId: string,
    readonly input: IssueTenantKeyBody,
  ) {
    super();
  }
}
