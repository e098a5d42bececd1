import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantContext, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { BuildEntity } from '../build.entity.js';
import { MAX_IDS } from '../build-ids.pipe.js';
import { ListProjects } from './list-projects.query.js';

@QueryHandler(ListProjects)
export class ListProjectsHandler implements IQueryHandler<ListProjects> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller }: ListProjects): Promise<string[]> {
    const tenant = TenantContext.of(caller);
    const rows = await withTenant(this.dataSource, tenant, (manager) =>
      new TenantRepository(manager, BuildEntity, tenant)
        .query('b')
        .select('b.projectId', 'projectId')
        .distinct(true)
        .orderBy('b.projectId')
        .limit(MAX_IDS)
        .getRawMany<{ projectId: string }>(),
    );
    return rows.map((r) => r.projectId);
  }
}
