import { Query } from '@nestjs/cqrs';
import type { Observable } from 'rxjs';
import type { Viewer } from '../../auth/viewer.js';
import type { Change } from './change.dto.js';

/** The changes a caller may see, optionally of some tables only; with `after`, first what it missed since that change. */
export class WatchChanges extends Query<Observable<Change>> {
  constructor(
    readonly caller: Viewer,
    readonly tables?: readonly string[],
    readonly after?: string,
  ) {
    super();
  }
}
