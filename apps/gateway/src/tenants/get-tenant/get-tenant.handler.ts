import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { requirePlatformAdmin } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import type { TenantView } from '../tenant.dto.js';
import { findTenant, toTenantView } from '../tenant-records.js';
import { GetTenant } from './get-tenant.query.js';

@QueryHandler(GetTenant)
export class GetTenantHandler implements IQueryHandler<GetTenant> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, id }: GetTenant): Promise<TenantView> {
    requirePlatformAdmin(caller);
    return toTenantView(await findTenant(this.dataSource.manager, id));
  }
}
