import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantContext, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { BuildEntity } from '../build.entity.js';
import { ListBuilds } from './list-builds.query.js';

@QueryHandler(ListBuilds)
export class ListBuildsHandler implements IQueryHandler<ListBuilds> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, options }: ListBuilds): Promise<string[]> {
    const tenant = TenantContext.of(caller);
    const rows = await withTenant(this.dataSource, tenant, (manager) => {
      const builds = new TenantRepository(manager, BuildEntity, tenant).query('b').select('b.buildId', 'buildId');
      if (options.projectId) builds.andWhere('b.projectId = :projectId', { projectId: options.projectId });
      if (options.after) builds.andWhere('b.buildId > :after', { after: options.after });
      return builds.orderBy('b.buildId').limit(options.limit).getRawMany<{ buildId: string }>();
    });
    return rows.map((r) => r.buildId);
  }
}
