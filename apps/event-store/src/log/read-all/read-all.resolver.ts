import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { QueryBus } from '@nestjs/cqrs';
import { GqlCaller } from '@tributary/edge';
import type { Principal } from '@tributary/tenancy';
import { toEventView } from '../log.dto.js';
import { EventPageView } from './read-all.dto.js';
import { ReadAll } from './read-all.query.js';

@Resolver()
export class ReadAllResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => EventPageView, { description: "$all of the tenant: every event in commit order; continue with `after` = the returned cursor" })
  async events(
    @GqlCaller() caller: Principal,
    @Args('types', { type: () => [String], nullable: true, description: 'Only these types (topic names)' }) types?: string[],
    @Args('from', { nullable: true, description: 'Recorded at or after (ISO-8601)' }) from?: string,
    @Args('to', { nullable: true, description: 'Recorded before (ISO-8601)' }) to?: string,
    @Args('after', { nullable: true, description: 'The cursor of the previous page' }) after?: string,
    @Args('first', { type: () => Int, defaultValue: 100, description: 'Page size, 1 to 1000' }) first?: number,
  ): Promise<EventPageView> {
    const page = await this.queryBus.execute(new ReadAll(caller, { types, from, to, after, limit: first }));
    return { events: page.events.map(toEventView), cursor: page.cursor };
  }
}
