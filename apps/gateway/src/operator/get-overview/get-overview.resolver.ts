import { QueryBus } from '@nestjs/cqrs';
import { Query, Resolver } from '@nestjs/graphql';
import { GqlCaller } from '@tributary/edge';
import type { Principal } from '@tributary/tenancy';
import { OperatorOverview, PLATFORM_ADMIN_KEY_REQUIRED } from '../operator.dto.js';
import { GetOperatorOverview } from './get-overview.query.js';

@Resolver()
export class GetOperatorOverviewResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => OperatorOverview, { description: 'The platform now: topics, lag, dead letters, instances, recent messages and deliveries' })
  operatorOverview(@GqlCaller(PLATFORM_ADMIN_KEY_REQUIRED) caller: Principal): Promise<OperatorOverview> {
    return this.queryBus.execute(new GetOperatorOverview(caller));
  }
}
