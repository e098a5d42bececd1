import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { requireRole, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { paginate } from '../../pagination/keyset-pagination.js';
import type { Page } from '../../pagination/page.dto.js';
import { AppEntity } from '../app.entity.js';
import type { AppView } from '../app.dto.js';
import { toAppView } from '../app-records.js';
import { ListApps } from './list-apps.query.js';

@QueryHandler(ListApps)
export class ListAppsHandler implements IQueryHandler<ListApps> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, page }: ListApps): Promise<Page<AppView>> {
    const tenant = requireRole(caller, 'read_only');
    return withTenant(this.dataSource, tenant, (manager) => paginate(new TenantRepository(manager, AppEntity, tenant).query('a'), 'a', page, toAppView));
  }
}
