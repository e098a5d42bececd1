import { QueryBus } from '@nestjs/cqrs';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { GqlCaller } from '@tributary/edge';
import type { Principal } from '@tributary/tenancy';
import { nullWhen } from '../build-errors.js';
import { uuidArg } from '../build-ids.pipe.js';
import { BuildView } from '../builds.dto.js';
import { GetBuild } from './get-build.query.js';

@Resolver()
export class GetBuildResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => BuildView, { nullable: true, description: 'A build by id; null when the tenant has none by that id' })
  build(@GqlCaller() caller: Principal, @Args('id', { type: () => ID, description: 'The build id (a UUID)' }) id: string): Promise<BuildView | null> {
    return nullWhen('build_not_found', this.queryBus.execute(new GetBuild(caller, uuidArg('build', id))));
  }
}
