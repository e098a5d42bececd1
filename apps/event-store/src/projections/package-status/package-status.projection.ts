import { Topics, type PackageUpdated } from '@tributary/topics';
import type { StoredEvent } from '../../log/stored-event.js';
import { Projection, type ProjectionContext, type ProjectionHandler } from '../projection.js';
import { PackageStatusEntity } from './package-status.entity.js';

/**
 * The latest state of each package. Updates compete by when they happened, then by log position:
 * the greatest (occurredAt, position) wins whatever order they are applied in, so an update that
 * arrives late never overwrites a newer one, a replay changes nothing, and a rebuild equals the live
 * table. Live, every update that wins is written in turn — the change-sink pushes each row change,
 * so a subscriber sees "in transit" before "out for delivery" even when both arrive in one batch —
 * in as few statements as the batch has updates of one package. A rebuild writes only each
 * package's winner (only the final rows count there).
 */
@Projection({ name: 'package_status', version: 2, entities: [PackageStatusEntity], events: [Topics.packageUpdated] })
export class PackageStatusProjection implements ProjectionHandler {
  async handle(events: readonly StoredEvent[], context: ProjectionContext): Promise<void> {
    if (context.rebuilding) return this.upsert(context, latestCandidates(events));
    for (const round of rounds(events)) await this.upsert(context, round);
  }

  /** One statement: reads the events back from the log by position, keeps one winner per package, upserts it. */
  private async upsert(context: ProjectionContext, events: readonly StoredEvent[]): Promise<void> {
    await context.manager.query(
      `INSERT INTO ${context.table(PackageStatusEntity)} AS p
         (tenant_id, tracking_id, status, carrier, carrier_status, updated_at, last_event_id, last_position)
       SELECT DISTINCT ON (tenant_id, tracking_id) *
         FROM (SELECT e.tenant_id, e.data->>'trackingId' AS tracking_id, e.data->>'status' AS status, e.data->>'carrier' AS carrier,
                      e.data->>'carrierStatus' AS carrier_status, (e.data->>'occurredAt')::timestamptz AS updated_at,
                      e.event_id AS last_event_id, e.position AS last_position
                 FROM event_store.events e WHERE e.position = ANY ($1::bigint[])) AS e
        ORDER BY tenant_id, tracking_id, updated_at DESC, last_position DESC
       ON CONFLICT (tenant_id, tracking_id) DO UPDATE
         SET status = EXCLUDED.status, carrier = EXCLUDED.carrier, carrier_status = EXCLUDED.carrier_status,
             updated_at = EXCLUDED.updated_at, last_event_id = EXCLUDED.last_event_id, last_position = EXCLUDED.last_position
       WHERE (p.updated_at, p.last_position) < (EXCLUDED.updated_at, EXCLUDED.last_position)`,
      [events.map((e) => e.position)],
    );
  }
}

const packageOf = (e: StoredEvent) => `${e.tenantId}/${(e.data as unknown as PackageUpdated).trackingId}`;

/** The batch in rounds holding at most one update per package, in order: the first of each, then the second … */
export function rounds(events: readonly StoredEvent[]): StoredEvent[][] {
  const seen = new Map<string, number>();
  const result: StoredEvent[][] = [];
  for (const event of events) {
    const n = seen.get(packageOf(event)) ?? 0;
    seen.set(packageOf(event), n + 1);
    (result[n] ??= []).push(event);
  }
  return result;
}

/**
 * The events of a batch that may be their package's latest: those less than a millisecond older
 * than the latest one seen for the package (JavaScript dates stop at milliseconds; the statement
 * then compares the exact times). The others could not win, so they need not be read back.
 */
export function latestCandidates(events: readonly StoredEvent[]): StoredEvent[] {
  const keyOf = packageOf;
  const times = events.map((e) => Date.parse((e.data as unknown as PackageUpdated).occurredAt));
  const latest = new Map<string, number>();
  events.forEach((e, i) => latest.set(keyOf(e), Math.max(latest.get(keyOf(e)) ?? -Infinity, times[i])));
  return events.filter((e, i) => times[i] >= latest.get(keyOf(e))! - 1);
}
