import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantContext, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { BuildEntity } from '../build.entity.js';
import { projectNotFound } from '../build-errors.js';
import type { ProjectDiskUsageView } from './get-project-disk-usage.dto.js';
import { GetProjectDiskUsage } from './get-project-disk-usage.query.js';

interface Usage {
  builds: string;
  active: string;
  real: string;
  virtual: string;
}

/** The sums over the project's builds that are not reaped; a project without any build is unknown. */
@QueryHandler(GetProjectDiskUsage)
export class GetProjectDiskUsageHandler implements IQueryHandler<GetProjectDiskUsage> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, projectId }: GetProjectDiskUsage): Promise<ProjectDiskUsageView> {
    const tenant = TenantContext.of(caller);
    const usage = await withTenant(this.dataSource, tenant, (manager) =>
      new TenantRepository(manager, BuildEntity, tenant)
        .query('b')
        .select('count(*)', 'builds')
        .addSelect('count(*) FILTER (WHERE NOT b.reaped)', 'active')
        .addSelect('coalesce(sum(b.bytes_real) FILTER (WHERE NOT b.reaped), 0)', 'real')
        .addSelect('coalesce(sum(b.bytes_virtual) FILTER (WHERE NOT b.reaped), 0)', 'virtual')
        .andWhere('b.projectId = :projectId', { projectId })
        .getRawOne<Usage>(),
    );
    if (!usage || Number(usage.builds) === 0) throw projectNotFound();
    return { projectId, bytesReal: Number(usage.real), bytesVirtual: Number(usage.virtual), activeBuilds: Number(usage.active) };
  }
}
