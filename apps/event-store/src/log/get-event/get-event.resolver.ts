import { QueryBus } from '@nestjs/cqrs';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { isTributaryError } from '@tributary/domain';
import { GqlCaller } from '@tributary/edge';
import type { Principal } from '@tributary/tenancy';
import { EventView, toEventView } from '../log.dto.js';
import { GetEvent } from './get-event.query.js';

@Resolver()
export class GetEventResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => EventView, { nullable: true, description: "One of the tenant's events by id; null when it has none by that id" })
  async event(@GqlCaller() caller: Principal, @Args('id', { type: () => ID, description: 'The event id' }) id: string): Promise<EventView | null> {
    try {
      return toEventView(await this.queryBus.execute(new GetEvent(caller, id)));
    } catch (error) {
      if (isTributaryError(error) && error.code === 'event_not_found') return null;
      throw error;
    }
  }
}
