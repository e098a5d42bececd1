import { Args, Context, ID, Int, Query, Resolver } from '@nestjs/graphql';
import { QueryBus } from '@nestjs/cqrs';
import { isTributaryError } from '@tributary/domain';
import { principalOf, type GraphqlContext } from '../../graphql/graphql-context.js';
import { EventView, toEventView } from '../log.views.js';
import { GetEvent, ReadAll } from './read-all.query.js';
import { EventPageView } from './read-all.views.js';

@Resolver()
export class ReadAllResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => EventPageView, { description: "$all of the tenant: every event in commit order; continue with `after` = the returned cursor" })
  async events(
    @Context() context: GraphqlContext,
    @Args('types', { type: () => [String], nullable: true, description: 'Only these types (topic names)' }) types?: string[],
    @Args('from', { nullable: true, description: 'Recorded at or after (ISO-8601)' }) from?: string,
    @Args('to', { nullable: true, description: 'Recorded before (ISO-8601)' }) to?: string,
    @Args('after', { nullable: true, description: 'The cursor of the previous page' }) after?: string,
    @Args('first', { type: () => Int, defaultValue: 100, description: 'Page size, 1 to 1000' }) first?: number,
  ): Promise<EventPageView> {
    const page = await this.queryBus.execute(new ReadAll(principalOf(context), { types, from, to, after, limit: first }));
    return { events: page.events.map(toEventView), cursor: page.cursor };
  }

  @Query(() => EventView, { nullable: true, description: "One of the tenant's events by id; null when it has none by that id" })
  async event(@Context() context: GraphqlContext, @Args('id', { type: () => ID, description: 'The event id' }) id: string): Promise<EventView | null> {
    try {
      return toEventView(await this.queryBus.execute(new GetEvent(principalOf(context), id)));
    } catch (error) {
      if (isTributaryError(error) && error.code === 'event_not_found') return null;
      throw error;
    }
  }
}
