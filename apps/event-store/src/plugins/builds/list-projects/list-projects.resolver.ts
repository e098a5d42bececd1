import { QueryBus } from '@nestjs/cqrs';
import { ID, Query, Resolver } from '@nestjs/graphql';
import { GqlCaller } from '@tributary/edge';
import type { Principal } from '@tributary/tenancy';
import { ListProjects } from './list-projects.query.js';

@Resolver()
export class ListProjectsResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => [ID], { description: "The tenant's project ids (projects with at least one build)" })
  projects(@GqlCaller() caller: Principal): Promise<string[]> {
    return this.queryBus.execute(new ListProjects(caller));
  }
}
