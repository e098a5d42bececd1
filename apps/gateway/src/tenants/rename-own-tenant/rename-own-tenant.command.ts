import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { TenantView } from '../tenant.dto.js';
import type { UpdateOwnTenantBody } from './rename-own-tenant.dto.js';

/** Renames the caller's own tenant (owner). */
export class RenameOwnTenant extends Command<TenantView> {
  constructor(
    readonly caller: Principal,
    readonly input: UpdateOwnTenantBody,
  ) {
    super();
  }
}
