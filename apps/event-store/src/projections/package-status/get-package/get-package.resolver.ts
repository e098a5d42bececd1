import { QueryBus } from '@nestjs/cqrs';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { isTributaryError } from '@tributary/domain';
import { GqlCaller } from '@tributary/edge';
import type { Principal } from '@tributary/tenancy';
import { PackageView, toPackageView } from '../package.dto.js';
import { GetPackage } from './get-package.query.js';

@Resolver()
export class GetPackageResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => PackageView, { nullable: true, description: "One of the tenant's packages; null when it has none by that id" })
  async package(@GqlCaller() caller: Principal, @Args('trackingId', { description: "The carrier's tracking id" }) trackingId: string): Promise<PackageView | null> {
    try {
      return toPackageView(await this.queryBus.execute(new GetPackage(caller, trackingId)));
    } catch (error) {
      if (isTributaryError(error) && error.code === 'package_not_found') return null;
      throw error;
    }
  }
}
