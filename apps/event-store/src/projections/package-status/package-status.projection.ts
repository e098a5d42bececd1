import { Topics, type PackageUpdated } from '@tributary/topics';
import { Projection, ProjectionEventsHandler, type ProjectedEvent, type ProjectedEvents, type ProjectionEventHandler } from '../projection.js';
import { PackageStatusEntity } from './package-status.entity.js';

/**
 * The latest state of each package. Updates compete by when they happened, then by log position:
 * the greatest (occurredAt, position) wins whatever order they are applied in, so an update that
 * arrives late never overwrites a newer one, a replay changes nothing, and a rebuild equals the live
 * table. Live, every update that wins is written in turn — the change-sink pushes each row change,
 * so a subscriber sees "in transit" before "out for delivery" even when both arrive in one batch —
 * in as few statements as the batch has updates of one package. A rebuild writes only the updates
 * that may be their package's latest (only the final rows count there).
 */
@ProjectionEventsHandler(Topics.packageUpdated)
export class ApplyPackageUpdated implements ProjectionEventHandler<PackageUpdated> {
  async handle({ events, context }: ProjectedEvents<PackageUpdated>): Promise<void> {
    const updates = context.rebuilding ? latestCandidates(events) : events;
    await context.table(PackageStatusEntity).upsert(updates.map(toRow), { onlyIfNewer: ['updatedAt', 'lastPosition'] });
  }
}

@Projection({ name: 'package_status', version: 2, entities: [PackageStatusEntity], handlers: [ApplyPackageUpdated] })
export class PackageStatusProjection {}

const toRow = ({ tenantId, eventId, position, data }: ProjectedEvent<PackageUpdated>) => ({
  tenantId,
  trackingId: data.trackingId,
  status: data.status,
  carrier: data.carrier,
  carrierStatus: data.carrierStatus,
  // As the event says it, to the microsecond.
  updatedAt: data.occurredAt,
  lastEventId: eventId,
  lastPosition: String(position),
});

/**
 * The events of a batch that may be their package's latest: those less than a millisecond older
 * than the latest one seen for the package (JavaScript dates stop at milliseconds; the statement
 * then compares the exact times). The others could not win, so they need not be written.
 */
export function latestCandidates(events: readonly ProjectedEvent<PackageUpdated>[]): ProjectedEvent<PackageUpdated>[] {
  const keyOf = (e: ProjectedEvent<PackageUpdated>) => `${e.tenantId}/${e.data.trackingId}`;
  const times = events.map((e) => Date.parse(e.data.occurredAt));
  const latest = new Map<string, number>();
  events.forEach((e, i) => latest.set(keyOf(e), Math.max(latest.get(keyOf(e)) ?? -Infinity, times[i])));
  return events.filter((e, i) => times[i] >= latest.get(keyOf(e))! - 1);
}
