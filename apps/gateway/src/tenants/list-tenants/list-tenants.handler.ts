import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { requirePlatformAdmin, TenantEntity } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { paginate } from '../../pagination/keyset-pagination.js';
import type { Page } from '../../pagination/page.dto.js';
import type { TenantView } from '../tenant.dto.js';
import { toTenantView } from '../tenant-records.js';
import { ListTenants } from './list-tenants.query.js';

@QueryHandler(ListTenants)
export class ListTenantsHandler implements IQueryHandler<ListTenants> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, page }: ListTenants): Promise<Page<TenantView>> {
    requirePlatformAdmin(caller);
    return paginate(this.dataSource.createQueryBuilder(TenantEntity, 't'), 't', page, toTenantView);
  }
}
