import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { TenantView } from '../tenant.dto.js';
import type { UpdateTenantBody } from './update-tenant.dto.js';

/** Renames, disables or enables a tenant, or sets its rate limit (platform admin). */
export class UpdateTenant extends Command<TenantView> {
  constructor(
    readonly caller: Principal,
    readonly id: string,
    readonly input: UpdateTenantBody,
  ) {
    super();
  }
}
