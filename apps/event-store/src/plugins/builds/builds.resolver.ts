import { Args, Context, ID, Int, Query, Resolver } from '@nestjs/graphql';
import { QueryBus } from '@nestjs/cqrs';
import { isTributaryError, TributaryError } from '@tributary/domain';
import { principalOf, type GraphqlContext } from '../../graphql/graphql-context.js';
import { FindBuilds, GetBuild, GetProjectDiskUsage, ListProjects } from './builds.queries.js';
import { BuildView, ProjectDiskUsageView } from './builds.views.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function uuid(what: 'build' | 'project', value: string): string {
  if (!UUID.test(value)) throw new TributaryError('invalid', `${what}_id_invalid`, `The ${what} id must be a UUID`);
  return value;
}

const nullWhen = async <T>(code: string, work: Promise<T>): Promise<T | null> =>
  work.catch((error) => {
    if (isTributaryError(error) && error.code === code) return null;
    throw error;
  });

@Resolver()
export class BuildsResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => [BuildView], { description: "The tenant's builds in id order, optionally of one project" })
  async builds(
    @Context() context: GraphqlContext,
    @Args('projectId', { type: () => ID, nullable: true, description: 'Only builds of this project' }) projectId?: string,
    @Args('after', { type: () => ID, nullable: true, description: 'The last id of the previous page' }) after?: string,
    @Args('first', { type: () => Int, defaultValue: 100, description: 'Page size, 1 to 1000' }) first = 100,
  ): Promise<BuildView[]> {
    if (first < 1 || first > 1000) throw new TributaryError('invalid', 'limit_invalid', 'first must be from 1 to 1000');
    return this.queryBus.execute(
      new FindBuilds(principalOf(context), { projectId: projectId && uuid('project', projectId), after: after && uuid('build', after), limit: first }),
    );
  }

  @Query(() => BuildView, { nullable: true, description: 'A build by id; null when the tenant has none by that id' })
  build(@Context() context: GraphqlContext, @Args('id', { type: () => ID, description: 'The build id (a UUID)' }) id: string): Promise<BuildView | null> {
    return nullWhen('build_not_found', this.queryBus.execute(new GetBuild(principalOf(context), uuid('build', id))));
  }

  @Query(() => [ID], { description: "The tenant's project ids (projects with at least one build)" })
  projects(@Context() context: GraphqlContext): Promise<string[]> {
    return this.queryBus.execute(new ListProjects(principalOf(context)));
  }

  @Query(() => ProjectDiskUsageView, { nullable: true, description: "A project's disk usage over its builds that are not reaped; null for an unknown project" })
  projectDiskUsage(@Context() context: GraphqlContext, @Args('id', { type: () => ID, description: 'The project id (a UUID)' }) id: string): Promise<ProjectDiskUsageView | null> {
    return nullWhen('project_not_found', this.queryBus.execute(new GetProjectDiskUsage(principalOf(context), uuid('project', id))));
  }
}

