import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { ProjectDiskUsageView } from './get-project-disk-usage.dto.js';

export class GetProjectDiskUsage extends Query<ProjectDiskUsageView> {
  constructor(
    readonly caller: Principal,
    readonly projectId: string,
  ) {
    super();
  }
}
