import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { CreateTenantBody } from './create-tenant.dto.js';
import type { TenantCreatedView } from '../tenant.dto.js';

/** Creates a tenant and its first owner API key (platform admin). */
export class CreateTenant extends Command<TenantCreatedView> {
  constructor(
    readonly caller: Principal,
    readonly input: CreateTenantBody,
  ) {
    super();
  }
}
