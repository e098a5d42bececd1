import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantContext, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource, MoreThan } from 'typeorm';
import { pageSize } from '../../../log/page-params.js';
import { PackageStatusEntity } from '../package-status.entity.js';
import { ListPackages, type PackageList } from './list-packages.query.js';

@QueryHandler(ListPackages)
export class ListPackagesHandler implements IQueryHandler<ListPackages> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, options }: ListPackages): Promise<PackageList> {
    const tenant = TenantContext.of(caller);
    const limit = pageSize(options.limit);
    const packages = await withTenant(this.dataSource, tenant, (manager) =>
      new TenantRepository(manager, PackageStatusEntity, tenant).find({
        where: {
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
