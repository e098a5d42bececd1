import { QueryBus } from '@nestjs/cqrs';
import { Args, ID, Int, Query, Resolver } from '@nestjs/graphql';
import { TributaryError } from '@tributary/domain';
import { GqlCaller } from '@tributary/edge';
import type { Principal } from '@tributary/tenancy';
import { uuidArg } from '../build-ids.pipe.js';
import { BuildView } from '../builds.dto.js';
import { FindBuilds } from './find-builds.query.js';

@Resolver()
export class FindBuildsResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => [BuildView], { description: "The tenant's builds in id order, optionally of one project" })
  async builds(
    @GqlCaller() caller: Principal,
    @Args('projectId', { type: () => ID, nullable: true, description: 'Only builds of this project' }) projectId?: string,
    @Args('after', { type: () => ID, nullable: true, description: 'The last id of the previous page' }) after?: string,
    @Args('first', { type: () => Int, defaultValue: 100, description: 'Page size, 1 to 1000' }) first = 100,
  ): Promise<BuildView[]> {
    if (first < 1 || first > 1000) throw new TributaryError('invalid', 'limit_invalid', 'first must be from 1 to 1000');
    return this.queryBus.execute(
      new FindBuilds(caller, { projectId: projectId && uuidArg('project', projectId), after: after && uuidArg('build', after), limit: first }),
    );
  }
}
