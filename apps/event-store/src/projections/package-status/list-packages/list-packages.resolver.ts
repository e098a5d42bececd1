import { QueryBus } from '@nestjs/cqrs';
import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { GqlCaller } from '@tributary/edge';
import type { Principal } from '@tributary/tenancy';
import { toPackageView } from '../package.dto.js';
import { PackageListView } from './list-packages.dto.js';
import { ListPackages } from './list-packages.query.js';

@Resolver()
export class ListPackagesResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => PackageListView, { description: "The tenant's packages with their latest state, a page at a time" })
  async packages(
    @GqlCaller() caller: Principal,
    @Args('status', { nullable: true, description: 'Only packages in this canonical status' }) status?: string,
    @Args('after', { nullable: true, description: 'The `next` of the previous page' }) after?: string,
    @Args('first', { type: () => Int, defaultValue: 100, description: 'Page size, 1 to 1000' }) first?: number,
  ): Promise<PackageListView> {
    const { packages, next } = await this.queryBus.execute(new ListPackages(caller, { status, after, limit: first }));
    return { packages: packages.map((row) => toPackageView(row)), next };
  }
}
