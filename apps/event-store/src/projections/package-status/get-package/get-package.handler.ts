import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TributaryError } from '@tributary/domain';
import { TenantContext, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { PackageStatusEntity } from '../package-status.entity.js';
import { GetPackage } from './get-package.query.js';

@QueryHandler(GetPackage)
export class GetPackageHandler implements IQueryHandler<GetPackage> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, trackingId }: GetPackage): Promise<PackageStatusEntity> {
    const tenant = TenantContext.of(caller);
    const found = await withTenant(this.dataSource, tenant, (manager) => new TenantRepository(manager, PackageStatusEntity, tenant).findOne({ trackingId }));
    if (!found) throw new TributaryError('not_found', 'package_not_found', `No package "${trackingId}"`);
    return found;
  }
}
