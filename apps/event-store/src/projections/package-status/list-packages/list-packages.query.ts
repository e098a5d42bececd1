import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { PackageStatusEntity } from '../package-status.entity.js';

export interface PackageList {
  readonly packages: readonly PackageStatusEntity[];
  readonly next: string | null;
}

/** The caller's packages in tracking-id order, optionally in one status. */
export class ListPackages extends Query<PackageList> {
  constructor(
    readonly caller: Principal,
    readonly options: { readonly status?: string; readonly after?: string; readonly limit?: number },
  ) {
    super();
  }
}
