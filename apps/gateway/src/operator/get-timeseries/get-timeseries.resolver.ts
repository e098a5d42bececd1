import { QueryBus } from '@nestjs/cqrs';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { GqlCaller } from '@tributary/edge';
import type { Principal } from '@tributary/tenancy';
import { PLATFORM_ADMIN_KEY_REQUIRED } from '../operator.dto.js';
import { OperatorTimeseries, TimeseriesArgs } from './get-timeseries.dto.js';
import { GetOperatorTimeseries } from './get-timeseries.query.js';

@Resolver()
export class GetOperatorTimeseriesResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => OperatorTimeseries, { description: 'Accepted and refused deliveries, dead letters, failed runs and consumer lag per time bucket, with filters' })
  operatorTimeseries(@GqlCaller(PLATFORM_ADMIN_KEY_REQUIRED) caller: Principal, @Args() args: TimeseriesArgs): Promise<OperatorTimeseries> {
    return this.queryBus.execute(new GetOperatorTimeseries(caller, args));
  }
}
