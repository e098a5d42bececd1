import { Injectable, Logger } from '@nestjs/common';
import { catchError, defer, EMPTY, exhaustMap, filter, from, share, switchMap, timer, type Observable } from 'rxjs';
import { OperatorReadModel } from '../operator-read-model.js';
import type { FlowMessage, OperatorStats } from '../operator.dto.js';

const MESSAGES_EVERY_MS = 1_000;
const STATS_EVERY_MS = 2_000;

/**
 * The live feeds behind the operator subscriptions. Each is shared: it polls only while at least
 * one page is subscribed, once for all of them, and a slow read skips ticks instead of piling up.
 */
@Injectable()
export class OperatorFeed {
  /** Batches of messages appended since the first subscriber came, in log order. */
  readonly messages$: Observable<FlowMessage[]>;
  readonly stats$: Observable<OperatorStats>;

  private readonly logger = new Logger('OperatorFeed');

  constructor(readModel: OperatorReadModel) {
    // A failed read (the database away a moment) skips that tick; the feed goes on.
    const skipOnError = <T>(read: () => Promise<T>) => from(read()).pipe(
      catchError((error: Error) => {
        this.logger.warn(`operator feed read failed: ${error.message}`);
        return EMPTY;
      }),
    );
    this.messages$ = defer(() => from(readModel.feedStart())).pipe(
      switchMap((cursor) => timer(MESSAGES_EVERY_MS, MESSAGES_EVERY_MS).pipe(exhaustMap(() => skipOnError(() => readModel.feedNext(cursor))))),
      filter((batch) => batch.length > 0),
      share(),
    );
    this.stats$ = timer(0, STATS_EVERY_MS).pipe(
      exhaustMap(() => skipOnError(() => readModel.stats())),
      share(),
    );
  }
}
