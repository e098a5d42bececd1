import { Args, Int, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { QueryBus } from '@nestjs/cqrs';
import { GqlCaller } from '@tributary/edge';
import type { Principal } from '@tributary/tenancy';
import { StreamView, toEventView } from '../log.dto.js';
import { StreamEventsView } from './read-stream.dto.js';
import { ReadStream } from './read-stream.query.js';

@Resolver(() => StreamView)
export class ReadStreamResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @ResolveField(() => StreamEventsView, { description: "The stream's events by version, a page at a time" })
  async events(
    @GqlCaller() caller: Principal,
    @Parent() stream: StreamView,
    @Args('from', { type: () => Int, nullable: true, description: 'The version to start at (inclusive)' }) from?: number,
    @Args('backward', { defaultValue: false, description: 'Read from `from` (default: the last event) towards the first' }) backward?: boolean,
    @Args('first', { type: () => Int, defaultValue: 100, description: 'Page size, 1 to 1000' }) first?: number,
  ): Promise<StreamEventsView> {
    const page = await this.queryBus.execute(
      new ReadStream(caller, stream.streamId, { from, direction: backward ? 'backward' : 'forward', limit: first }),
    );
    return { streamId: page.stream.streamId, version: page.stream.version, events: page.events.map(toEventView), next: page.next };
  }
}
