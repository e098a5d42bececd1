import { QueryBus } from '@nestjs/cqrs';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { GqlCaller } from '@tributary/edge';
import type { Principal } from '@tributary/tenancy';
import { PLATFORM_ADMIN_KEY_REQUIRED } from '../operator.dto.js';
import { OperatorTrace, TraceArgs } from './trace-event.dto.js';
import { TraceOperatorEvent } from './trace-event.query.js';

@Resolver()
export class TraceOperatorEventResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => OperatorTrace, { description: 'The whole path of one event, by its trace id or event id' })
  operatorTrace(@GqlCaller(PLATFORM_ADMIN_KEY_REQUIRED) caller: Principal, @Args() { id }: TraceArgs): Promise<OperatorTrace> {
    return this.queryBus.execute(new TraceOperatorEvent(caller, id.toLowerCase()));
  }
}
