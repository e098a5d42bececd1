import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantContext, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { BuildEntity } from '../build.entity.js';
import { toBuildView, type BuildView } from '../builds.dto.js';
import { FindBuilds } from './find-builds.query.js';

@QueryHandler(FindBuilds)
export class FindBuildsHandler implements IQueryHandler<FindBuilds> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, options }: FindBuilds): Promise<BuildView[]> {
    const tenant = TenantContext.of(caller);
    const rows = await withTenant(this.dataSource, tenant, (manager) => {
      const builds = new TenantRepository(manager, BuildEntity, tenant).query('b');
      if (options.projectId) builds.andWhere('b.projectId = :projectId', { projectId: options.projectId });
      if (options.after) builds.andWhere('b.buildId > :after', { after: options.after });
      return builds.orderBy('b.buildId').take(options.limit).getMany();
    });
    return rows.map(toBuildView);
  }
}
