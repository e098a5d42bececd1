import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TributaryError, trackingUrl, type TrackingUrlLocale } from '@tributary/domain';
import { filter, map, type Observable } from 'rxjs';
import { parseCursor } from '../../capture/captured-change.js';
import { ChangeSinkConfig, PACKAGE_STATUS_TABLE } from '../../change-sink.config.js';
import { ChangeFeed } from '../../delivery/change-feed.js';
import type { DeliveredChange } from '../../delivery/change-policy.js';
import type { PackageUpdate } from './package-update.dto.js';
import { WatchPackageUpdates } from './package-updated.query.js';

const updates = new WeakMap<DeliveredChange, Map<string, PackageUpdate>>();

/**
 * One update per change and locale, shared by the subscribers that asked for that locale (their
 * executions are shared too, see shared-subscribe: keyed by the update object).
 */
export function toPackageUpdate(change: DeliveredChange, locale: TrackingUrlLocale = {}): PackageUpdate {
  let byLocale = updates.get(change);
  if (!byLocale) updates.set(change, (byLocale = new Map()));
  const key = `${locale.language ?? ''}-${locale.country ?? ''}`;
  const cached = byLocale.get(key);
  if (cached) return cached;
  const row = change.data as Record<string, string>;
  const update: PackageUpdate = {
    trackingId: row.tracking_id,
    status: row.status,
    carrier: row.carrier,
    carrierStatus: row.carrier_status,
    updatedAt: new Date(row.updated_at).toISOString(),
    eventId: row.last_event_id,
    trackingUrl: trackingUrl(row.carrier, row.tracking_id, locale) ?? null,
    cursor: change.id,
  };
  byLocale.set(key, update);
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
      map((change) => toPackageUpdate(change, query.locale)),
      filter((update) => !query.trackingId || update.trackingId === query.trackingId),
    );
  }
}
