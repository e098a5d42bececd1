import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { QueryBus } from '@nestjs/cqrs';
import { GqlCaller } from '@tributary/edge';
import type { Principal } from '@tributary/tenancy';
import { toStreamView } from '../log.dto.js';
import { StreamListView } from './list-streams.dto.js';
import { ListStreams } from './list-streams.query.js';

@Resolver()
export class ListStreamsResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => StreamListView, { description: "The tenant's streams in id order, a page at a time" })
  async streams(
    @GqlCaller() caller: Principal,
    @Args('prefix', { nullable: true, description: 'Only streams whose id starts with this' }) prefix?: string,
    @Args('after', { nullable: true, description: 'The `next` of the previous page' }) after?: string,
    @Args('first', { type: () => Int, defaultValue: 100, description: 'Page size, 1 to 1000' }) first?: number,
  ): Promise<StreamListView> {
    const { streams, next } = await this.queryBus.execute(new ListStreams(caller, { prefix, after, limit: first }));
    return { streams: streams.map(toStreamView), next };
  }
}
