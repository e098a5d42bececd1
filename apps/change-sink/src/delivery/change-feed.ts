import { Injectable, Logger } from '@nestjs/common';
import { Observable } from 'rxjs';
import { ChangeReader } from '../capture/change-reader.js';
import type { ChangePosition } from '../capture/captured-change.js';
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

  /** Throws `cursor_expired` when changes after `after` were pruned (call before telling the client it is connected). */
  assertResumable(after: ChangePosition): Promise<void> {
    return this.reader.assertResumable(after);
  }

  open(viewer: Viewer, options: { tables?: ReadonlySet<string>; after?: ChangePosition } = {}): Observable<DeliveredChange> {
    const scope = { tenantId: viewer.tenantId, tables: options.tables, userId: viewer.kind === 'user' ? viewer.userId : undefined };
    return new Observable<DeliveredChange>((subscriber) =>
      this.reader.stream(scope, options.after).subscribe({
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
