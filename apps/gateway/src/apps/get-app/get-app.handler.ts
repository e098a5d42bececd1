import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { requireRole, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { AppEntity } from '../app.entity.js';
import type { AppView } from '../app.dto.js';
import { findApp, toAppView } from '../app-records.js';
import { GetApp } from './get-app.query.js';

@QueryHandler(GetApp)
export class GetAppHandler implements IQueryHandler<GetApp> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, id }: GetApp): Promise<AppView> {
    const tenant = requireRole(caller, 'read_only');
    return withTenant(this.dataSource, tenant, async (manager) => toAppView(await findApp(new TenantRepository(manager, AppEntity, tenant), id)));
  }
}
