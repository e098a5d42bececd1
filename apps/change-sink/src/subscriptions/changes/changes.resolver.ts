import { Args, Context, Resolver, Subscription } from '@nestjs/graphql';
import { QueryBus } from '@nestjs/cqrs';
import { GqlCaller, observableToAsyncIterator } from '@tributary/edge';
import type { Viewer } from '../../auth/viewer.js';
import { ChangeSinkConfig } from '../../change-sink.config.js';
import { CALLER_REQUIRED, type GraphqlContext } from '../graphql-context.js';
import { Change } from './change.dto.js';
import { WatchChanges } from './changes.query.js';

@Resolver()
export class ChangesResolver {
  constructor(
    private readonly queryBus: QueryBus,
    private readonly config: ChangeSinkConfig,
  ) {}

  @Subscription(() => Change, {
    description:
      'Every change the caller may see (the same routing, tenant and FILTERS rules as socket.io), optionally of some tables only; with `after`, first what was missed since that change',
    resolve: (value: Change) => value,
  })
  async changes(
    @GqlCaller(CALLER_REQUIRED) caller: Viewer,
    @Context() context: GraphqlContext,
    @Args('tables', { type: () => [String], nullable: true, description: 'Only these tables (as `table` names them)' }) tables?: string[],
    @Args('after', { nullable: true, description: 'Resume: the changes committed after this change `id` first, then live ones' }) after?: string,
  ): Promise<AsyncIterableIterator<Change>> {
    const changes = await this.queryBus.execute(new WatchChanges(caller, tables, after));
    return observableToAsyncIterator(changes, this.config.CLIENT_BUFFER_CHANGES, () =>
      context.tooSlow?.('Too slow: too many changes waiting; resubscribe with after to resume'),
    );
  }
}
