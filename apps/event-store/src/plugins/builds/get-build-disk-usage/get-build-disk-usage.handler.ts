import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantContext, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { BuildEntity } from '../build.entity.js';
import { buildNotFound } from '../build-errors.js';
import type { BuildDiskUsageView } from './get-build-disk-usage.dto.js';
import { GetBuildDiskUsage } from './get-build-disk-usage.query.js';

@QueryHandler(GetBuildDiskUsage)
export class GetBuildDiskUsageHandler implements IQueryHandler<GetBuildDiskUsage> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, buildId }: GetBuildDiskUsage): Promise<BuildDiskUsageView> {
    const tenant = TenantContext.of(caller);
    const row = await withTenant(this.dataSource, tenant, (manager) => new TenantRepository(manager, BuildEntity, tenant).findOne({ buildId }));
    if (!row) throw buildNotFound();
    return { buildId, bytesReal: Number(row.bytesReal), bytesVirtual: Number(row.bytesVirtual), measuredAt: row.diskMeasuredAt?.toISOString() ?? null };
  }
}
