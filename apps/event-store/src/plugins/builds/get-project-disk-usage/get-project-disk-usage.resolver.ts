import { QueryBus } from '@nestjs/cqrs';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { GqlCaller } from '@tributary/edge';
import type { Principal } from '@tributary/tenancy';
import { nullWhen } from '../build-errors.js';
import { uuidArg } from '../build-ids.pipe.js';
import { ProjectDiskUsageView } from './get-project-disk-usage.dto.js';
import { GetProjectDiskUsage } from './get-project-disk-usage.query.js';

@Resolver()
export class GetProjectDiskUsageResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => ProjectDiskUsageView, { nullable: true, description: "A project's disk usage over its builds that are not reaped; null for an unknown project" })
  projectDiskUsage(@GqlCaller() caller: Principal, @Args('id', { type: () => ID, description: 'The project id (a UUID)' }) id: string): Promise<ProjectDiskUsageView | null> {
    return nullWhen('project_not_found', this.queryBus.execute(new GetProjectDiskUsage(caller, uuidArg('project', id))));
  }
}
