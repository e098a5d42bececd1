import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { PackageStatusEntity } from '../package-status.entity.js';

/** One of the caller's packages by tracking id. */
export class GetPackage extends Query<PackageStatusEntity> {
  constructor(
    readonly caller: Principal,
    readonly trackingId: string,
  ) {
    super();
  }
}
