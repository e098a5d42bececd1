import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantContext, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { BuildEntity } from '../build.entity.js';
import { buildNotFound } from '../build-errors.js';
import { toBuildView, type BuildView } from '../builds.dto.js';
import { GetBuild } from './get-build.query.js';

@QueryHandler(GetBuild)
export class GetBuildHandler implements IQueryHandler<GetBuild> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, buildId }: GetBuild): Promise<BuildView> {
    const tenant = TenantContext.of(caller);
    const row = await withTenant(this.dataSource, tenant, (manager) => new TenantRepository(manager, BuildEntity, tenant).findOne({ buildId }));
    if (!row) throw buildNotFound();
    return toBuildView(row);
  }
}
