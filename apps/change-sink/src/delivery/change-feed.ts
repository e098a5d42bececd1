import { Injectable, Logger } from '@nestjs/common';
import { Observable } from 'rxjs';
import { ChangeReader, type StreamStart } from '../capture/change-reader.js';
import { formatCursor, type ChangePosition } from '../capture/captured-change.js';
import type { Viewer } from '../auth/viewer.js';
import { ChangePolicy, type DeliveredChange } from './change-policy.js';

/** The changes one viewer may see, optionally only of some tables and resumed after a cursor. */
@Injectable()
export class ChangeFeed {
  private readonly logger = new Logger(ChangeFeed.name);

  constructor(
    private readonly reader: ChangeReader,
    private readonly policy: ChangePolicy,
  ) {}

  /**
   * Where a client starts: after the change it saw last (refused with `cursor_expired` when changes
   * after it were pruned), or without one, with what commits from now on — open the feed at once
   * and await `since` before telling the client it is connected.
   */
  async start(after: ChangePosition | undefined): Promise<StreamStart> {
    if (!after) return { since: this.reader.now() };
    await this.reader.assertResumable(after);
    return { after };
  }

  /**
   * The cursor a client keeps until its first change arrives: reconnecting with it as `after`, it gets
   * what it would have been sent since it connected (a client that saw nothing yet can resume too).
   */
  async cursorOf(start: StreamStart): Promise<string> {
    return formatCursor('after' in start ? start.after : await this.reader.checkpoint(await start.since));
  }

  open(viewer: Viewer, start: StreamStart, tables?: ReadonlySet<string>): Observable<DeliveredChange> {
    const scope = { tenantId: viewer.tenantId, tables, userId: viewer.kind === 'user' ? viewer.userId : undefined };
    return new Observable<DeliveredChange>((subscriber) =>
      this.reader.stream(scope, start).subscribe({
        next: (change) => {
          let view: DeliveredChange | null;
          try {
            view = this.policy.view(change, viewer);
          } catch (error) {
            // One change a rule cannot evaluate is skipped for this viewer; the stream goes on.
            this.logger.error({ err: error, changeId: change.id, table: change.table }, 'routing a change failed');
            return;
          }
          if (view) subscriber.next(view);
        },
        error: (error) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
  }
}
