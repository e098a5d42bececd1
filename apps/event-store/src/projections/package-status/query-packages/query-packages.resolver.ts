import { Args, Context, Int, Query, Resolver } from '@nestjs/graphql';
import { QueryBus } from '@nestjs/cqrs';
import { isTributaryError } from '@tributary/domain';
import { principalOf, type GraphqlContext } from '../../../graphql/graphql-context.js';
import { PackageListView, PackageView, toPackageView } from './package.views.js';
import { GetPackage, ListPackages } from './query-packages.query.js';

@Resolver()
export class QueryPackagesResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => PackageListView, { description: "The tenant's packages with their latest state, a page at a time" })
  async packages(
    @Context() context: GraphqlContext,
    @Args('status', { nullable: true, description: 'Only packages in this canonical status' }) status?: string,
    @Args('after', { nullable: true, description: 'The `next` of the previous page' }) after?: string,
    @Args('first', { type: () => Int, defaultValue: 100, description: 'Page size, 1 to 1000' }) first?: number,
  ): Promise<PackageListView> {
    const { packages, next } = await this.queryBus.execute(new ListPackages(principalOf(context), { status, after, limit: first }));
    return { packages: packages.map(toPackageView), next };
  }

  @Query(() => PackageView, { nullable: true, description: "One of the tenant's packages; null when it has none by that id" })
  async package(@Context() context: GraphqlContext, @Args('trackingId', { description: "The carrier's tracking id" }) trackingId: string): Promise<PackageView | null> {
    try {
      return toPackageView(await this.queryBus.execute(new GetPackage(principalOf(context), trackingId)));
    } catch (error) {
      if (isTributaryError(error) && error.code === 'package_not_found') return null;
      throw error;
    }
  }
}
