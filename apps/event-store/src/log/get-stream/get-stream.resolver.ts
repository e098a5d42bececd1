import { QueryBus } from '@nestjs/cqrs';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { isTributaryError } from '@tributary/domain';
import { GqlCaller } from '@tributary/edge';
import type { Principal } from '@tributary/tenancy';
import { StreamView, toStreamView } from '../log.dto.js';
import { GetStream } from './get-stream.query.js';

@Resolver()
export class GetStreamResolver {
  constructor(private readonly queryBus: QueryBus) {}

  @Query(() => StreamView, { nullable: true, description: "One of the tenant's streams; null when it has none by that id" })
  async stream(@GqlCaller() caller: Principal, @Args('id', { description: 'The stream id' }) id: string): Promise<StreamView | null> {
    try {
      return toStreamView(await this.queryBus.execute(new GetStream(caller, id)));
    } catch (error) {
      if (isTributaryError(error) && error.code === 'stream_not_found') return null;
      throw error;
    }
  }
}
