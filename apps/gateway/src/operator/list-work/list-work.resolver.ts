import { QueryBus } from '@nestjs/cqrs';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { GqlCaller } from '@tributary/edge';
import type { Principal } from '@tributary/tenancy';
import { PLATFORM_ADMIN_KEY_REQUIRED } from '../operator.dto.js';
import { OperatorWork, WorkArgs } from './list-work.dto.js';
import { ListOperatorWork } from './list-work.query.js';

@Resolver()
export class ListOperatorWorkResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => OperatorWork, { description: 'Projections with their state and rebuild progress, the newest runs, the schedules' })
  operatorWork(@GqlCaller(PLATFORM_ADMIN_KEY_REQUIRED) caller: Principal, @Args() { tenantId }: WorkArgs): Promise<OperatorWork> {
    return this.queryBus.execute(new ListOperatorWork(caller, tenantId));
  }
}
