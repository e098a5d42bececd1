import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TributaryError } from '@tributary/domain';
import { TenantContext, withTenant } from '@tributary/tenancy';
import { DataSource, MoreThan } from 'typeorm';
import { pageSize } from '../../../log/log.views.js';
import { PackageStatusEntity } from '../package-status.entity.js';
import { GetPackage, ListPackages, type PackageList } from './query-packages.query.js';

@QueryHandler(ListPackages)
export class ListPackagesHandler implements IQueryHandler<ListPackages> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, options }: ListPackages): Promise<PackageList> {
    const tenant = TenantContext.of(caller);
    const limit = pageSize(options.limit);
    const packages = await withTenant(this.dataSource, tenant, (manager) =>
      manager.getRepository(PackageStatusEntity).find({
        where: {
          tenantId: tenant.tenantId,
          ...(options.after ? { trackingId: MoreThan(options.after) } : {}),
          ...(options.status ? { status: options.status } : {}),
        },
        order: { trackingId: 'ASC' },
        take: limit,
      }),
    );
    return { packages, next: packages.length === limit ? packages[packages.length - 1].trackingId : null };
  }
}

@QueryHandler(GetPackage)
export class GetPackageHandler implements IQueryHandler<GetPackage> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, trackingId }: GetPackage): Promise<PackageStatusEntity> {
    const tenant = TenantContext.of(caller);
    const found = await withTenant(this.dataSource, tenant, (manager) =>
      manager.getRepository(PackageStatusEntity).findOneBy({ tenantId: tenant.tenantId, trackingId }),
    );
    if (!found) throw new TributaryError('not_found', 'package_not_found', `No package "${trackingId}"`);
    return found;
  }
}
