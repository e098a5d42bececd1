import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { requireRole, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import type { TenantView } from '../tenant.dto.js';
import { findTenant, toTenantView } from '../tenant-records.js';
import { GetOwnTenant } from './get-own-tenant.query.js';

@QueryHandler(GetOwnTenant)
export class GetOwnTenantHandler implements IQueryHandler<GetOwnTenant> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller }: GetOwnTenant): Promise<TenantView> {
    const tenant = requireRole(caller, 'read_only');
    return withTenant(this.dataSource, tenant, async (manager) => toTenantView(await findTenant(manager, tenant.tenantId)));
  }
}
