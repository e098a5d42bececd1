import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TributaryError, trackingUrl } from '@tributary/domain';
import { filter, map, type Observable } from 'rxjs';
import { parseCursor } from '../../capture/captured-change.js';
import { ChangeSinkConfig, PACKAGE_STATUS_TABLE } from '../../change-sink.config.js';
import { ChangeFeed } from '../../delivery/change-feed.js';
import type { DeliveredChange } from '../../delivery/change-policy.js';
import type { PackageUpdate } from './package-update.dto.js';
import { WatchPackageUpdates } from './package-updated.query.js';

const updates = new WeakMap<DeliveredChange, PackageUpdate>();

/** One update per change, shared by its subscribers (their executions are shared too, see shared-subscribe). */
export function toPackageUpdate(change: DeliveredChange): PackageUpdate {
  const cached = updates.get(change);
  if (cached) return cached;
  const row = change.data as Record<string, string>;
  const update: PackageUpdate = {
    trackingId: row.tracking_id,
    status: row.status,
    carrier: row.carrier,
    carrierStatus: row.carrier_status,
    updatedAt: new Date(row.updated_at).toISOString(),
    eventId: row.last_event_id,
    trackingUrl: trackingUrl(row.carrier, row.tracking_id) ?? null,
    cursor: change.id,
  };
  updates.set(change, update);
  return update;
}

/** The typed view of the platform's package projection (event_store.package_status) over the caller's feed. */
@QueryHandler(WatchPackageUpdates)
export class PackageUpdatedHandler implements IQueryHandler<WatchPackageUpdates> {
  constructor(
    private readonly feed: ChangeFeed,
    private readonly config: ChangeSinkConfig,
  ) {}

  async execute(query: WatchPackageUpdates): Promise<Observable<PackageUpdate>> {
    if (!this.config.capturesPackages) {
      // Said at once: a subscription that would never push anything looks like a quiet one.
      throw new TributaryError(
        'not_found',
        'packages_not_captured',
        `packageUpdated is not served by this change-sink: it does not capture ${PACKAGE_STATUS_TABLE} (CAPTURE_TABLES); subscribe to changes for the tables it captures`,
      );
    }
    const start = await this.feed.start(query.after ? parseCursor(query.after) : undefined);
    return this.feed.open(query.caller, start, new Set([PACKAGE_STATUS_TABLE])).pipe(
      filter((c) => c.type !== 'delete'),
      map(toPackageUpdate),
      filter((update) => !query.trackingId || update.trackingId === query.trackingId),
    );
  }
}
