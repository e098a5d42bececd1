import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { PackageBody } from './get-package.dto.js';

/** A package's current state and every carrier event received for it. */
export class GetPackage extends Query<PackageBody> {
  constructor(
    readonly caller: Principal,
    readonly trackingId: string,
  ) {
    super();
  }
}
