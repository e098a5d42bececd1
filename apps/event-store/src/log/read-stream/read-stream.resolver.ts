import { Args, Context, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { QueryBus } from '@nestjs/cqrs';
import { isTributaryError } from '@tributary/domain';
import { principalOf, type GraphqlContext } from '../../graphql/graphql-context.js';
import { StreamView, toEventView, toStreamView } from '../log.views.js';
import { ReadStream } from './read-stream.query.js';
import { StreamEventsView } from './read-stream.views.js';

@Resolver(() => StreamView)
export class ReadStreamResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => StreamView, { nullable: true, description: "One of the tenant's streams; null when it has none by that id" })
  async stream(@Context() context: GraphqlContext, @Args('id', { description: 'The stream id' }) id: string): Promise<StreamView | null> {
    try {
      const { stream } = await this.queryBus.execute(new ReadStream(principalOf(context), id, { limit: 0 }));
      return toStreamView(stream);
    } catch (error) {
      if (isTributaryError(error) && error.code === 'stream_not_found') return null;
      throw error;
    }
  }

  @ResolveField(() => StreamEventsView, { description: "The stream's events by version, a page at a time" })
  async events(
    @Context() context: GraphqlContext,
    @Parent() stream: StreamView,
    @Args('from', { type: () => Int, nullable: true, description: 'The version to start at (inclusive)' }) from?: number,
    @Args('backward', { defaultValue: false, description: 'Read from `from` (default: the last event) towards the first' }) backward?: boolean,
    @Args('first', { type: () => Int, defaultValue: 100, description: 'Page size, 1 to 1000' }) first?: number,
  ): Promise<StreamEventsView> {
    const page = await this.queryBus.execute(
      new ReadStream(principalOf(context), stream.streamId, { from, direction: backward ? 'backward' : 'forward', limit: first }),
    );
    return { streamId: page.stream.streamId, version: page.stream.version, events: page.events.map(toEventView), next: page.next };
  }
}
