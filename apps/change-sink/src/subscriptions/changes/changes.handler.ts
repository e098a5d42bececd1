import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { map, type Observable } from 'rxjs';
import { parseCursor } from '../../capture/captured-change.js';
import { ChangeFeed } from '../../delivery/change-feed.js';
import type { DeliveredChange } from '../../delivery/change-policy.js';
import type { Change } from './change.dto.js';
import { WatchChanges } from './changes.query.js';

/** One GraphQL view per change, shared by its subscribers (their executions are shared too, see shared-subscribe). */
const views = new WeakMap<DeliveredChange, Change>();
const toChange = (c: DeliveredChange): Change => {
  let view = views.get(c);
  if (!view) views.set(c, (view = { id: c.id, table: c.table, type: c.type, data: c.data, source: c.source, sourceType: c.source_type, timestamp: c.timestamp, version: c.version }));
  return view;
};

/** The socket.io rules (tenant, routing, FILTERS) over the caller's feed: a resume is checked before anything is sent. */
@QueryHandler(WatchChanges)
export class ChangesHandler implements IQueryHandler<WatchChanges> {
  constructor(private readonly feed: ChangeFeed) {}

  async execute(query: WatchChanges): Promise<Observable<Change>> {
    const start = await this.feed.start(query.after ? parseCursor(query.after) : undefined);
    return this.feed.open(query.caller, start, query.tables ? new Set(query.tables) : undefined).pipe(map(toChange));
  }
}
