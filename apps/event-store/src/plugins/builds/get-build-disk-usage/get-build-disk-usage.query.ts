import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { BuildDiskUsageView } from './get-build-disk-usage.dto.js';

export class GetBuildDiskUsage extends Query<BuildDiskUsageView> {
  constructor(
    readonly caller: Principal,
    readonly buildId: string,
  ) {
    super();
  }
}
