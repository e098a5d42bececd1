import { Query } from '@nestjs/cqrs';
import type { Observable } from 'rxjs';
import type { TrackingUrlLocale } from '@tributary/domain';
import type { Viewer } from '../../auth/viewer.js';
import type { PackageUpdate } from './package-update.dto.js';

/**
 * The updates of the caller's packages (or of one package); with `after`, first what it missed since that
 * update; their `trackingUrl` in `locale` (parsed: requestedTrackingLocale).
 */
export class WatchPackageUpdates extends Query<Observable<PackageUpdate>> {
  constructor(
    readonly caller: Viewer,
    readonly trackingId?: string,
    readonly after?: string,
    readonly locale: TrackingUrlLocale = {},
  ) {
    super();
  }
}
