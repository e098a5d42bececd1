import { Args, Context, Resolver, Subscription } from '@nestjs/graphql';
import { map } from 'rxjs';
import { ChangeSinkConfig } from '../../change-sink.config.js';
import { parseCursor } from '../../capture/captured-change.js';
import type { DeliveredChange } from '../../delivery/change-policy.js';
import { ChangeFeed } from '../../delivery/change-feed.js';
import { viewerOf, type GraphqlContext } from '../graphql-principal.js';
import { observableToAsyncIterator } from '@tributary/edge';
import { Change } from './change.model.js';

/** One GraphQL view per change, shared by its subscribers (their executions are shared too, see shared-subscribe). */
const views = new WeakMap<DeliveredChange, Change>();
const toChange = (c: DeliveredChange): Change => {
  let view = views.get(c);
  if (!view) views.set(c, (view = { id: c.id, table: c.table, type: c.type, data: c.data, source: c.source, sourceType: c.source_type, timestamp: c.timestamp, version: c.version }));
  return view;
};

@Resolver()
export class ChangesResolver {
  constructor(
    private readonly feed: ChangeFeed,
    private readonly config: ChangeSinkConfig,
  ) {}

  @Subscription(() => Change, {
    description:
      'Every change the caller may see (the same routing, tenant and FILTERS rules as socket.io), optionally of some tables only; with `after`, first what was missed since that change',
    resolve: (value: Change) => value,
  })
  async changes(
    @Context() context: GraphqlContext,
    @Args('tables', { type: () => [String], nullable: true, description: 'Only these tables (as `table` names them)' }) tables?: string[],
    @Args('after', { nullable: true, description: 'Resume: the changes committed after this change `id` first, then live ones' }) after?: string,
  ): Promise<AsyncIterableIterator<Change>> {
    const viewer = viewerOf(context);
    const position = after ? parseCursor(after) : undefined;
    const start = await this.feed.start(position);
    return observableToAsyncIterator(
      this.feed.open(viewer, start, tables ? new Set(tables) : undefined).pipe(
        map(toChange),
      ),
      this.config.CLIENT_BUFFER_CHANGES,
      () => context.tooSlow?.('Too slow: too many changes waiting; resubscribe with after to resume'),
    );
  }
}
