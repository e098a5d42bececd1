import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TributaryError } from '@tributary/domain';
import { TenantContext, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { PackageEventEntity } from '../../integrations/tracking/package-event.entity.js';
import { TrackedPackageEntity } from '../../integrations/tracking/tracked-package.entity.js';
import { trackingIdOf } from '../tracking-id.js';
import { GetPackage } from './get-package.query.js';
import type { PackageBody } from './get-package.dto.js';

@QueryHandler(GetPackage)
export class GetPackageHandler implements IQueryHandler<GetPackage> {
  constructor(private readonly dataSource: DataSource) {}

  execute({ caller, trackingId: raw }: GetPackage): Promise<PackageBody> {
    const tenant = TenantContext.of(caller);
    const trackingId = trackingIdOf(raw);
    return withTenant(this.dataSource, tenant, async (db) => {
      const current = await new TenantRepository(db, TrackedPackageEntity, tenant).findOne({ trackingId });
      if (!current) throw new TributaryError('not_found', 'package_not_found', 'No such package');
      const events = await new TenantRepository(db, PackageEventEntity, tenant).find({ where: { trackingId }, order: { occurredAt: 'ASC', receivedAt: 'ASC' } });
      return {
        trackingId,
        carrier: current.carrier,
        status: current.status,
        statusAt: new Date(current.statusAt).toISOString(),
        version: current.version,
        events: events.map((e) => ({ status: e.status, carrierStatus: e.carrierStatus, occurredAt: new Date(e.occurredAt).toISOString(), outcome: e.outcome })),
      };
    });
  }
}
