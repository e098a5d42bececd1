import { Args, Context, Int, Query, Resolver } from '@nestjs/graphql';
import { QueryBus } from '@nestjs/cqrs';
import { principalOf, type GraphqlContext } from '../../graphql/graphql-context.js';
import { toStreamView } from '../log.views.js';
import { ListStreams } from './list-streams.query.js';
import { StreamListView } from './list-streams.views.js';

@Resolver()
export class ListStreamsResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => StreamListView, { description: "The tenant's streams in id order, a page at a time" })
  async streams(
    @Context() context: GraphqlContext,
    @Args('prefix', { nullable: true, description: 'Only streams whose id starts with this' }) prefix?: string,
    @Args('after', { nullable: true, description: 'The `next` of the previous page' }) after?: string,
    @Args('first', { type: () => Int, defaultValue: 100, description: 'Page size, 1 to 1000' }) first?: number,
  ): Promise<StreamListView> {
    const { streams, next } = await this.queryBus.execute(new ListStreams(principalOf(context), { prefix, after, limit: first }));
    return { streams: streams.map(toStreamView), next };
  }
}
