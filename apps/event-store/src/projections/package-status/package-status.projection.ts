import { Topics, type PackageUpdated } from '@tributary/topics';
import type { StoredEvent } from '../../log/stored-event.js';
import { Projection, type ProjectionContext, type ProjectionHandler } from '../projection.js';
import { PackageStatusEntity } from './package-status.entity.js';

/**
 * The latest state of each package. Updates compete by when they happened, then by log position:
 * the greatest (occurredAt, position) wins whatever order they are applied in, so an update that
 * arrives late never overwrites a newer one, a replay changes nothing, and a rebuild equals the live
 * table. A batch is reduced to one winner per package in the statement itself.
 */
@Projection({ name: 'package_status', version: 2, entities: [PackageStatusEntity], events: [Topics.packageUpdated] })
export class PackageStatusProjection implements ProjectionHandler {
  async handle(events: readonly StoredEvent[], context: ProjectionContext): Promise<void> {
    const updates = events.map((e) => ({ event: e, data: e.data as unknown as PackageUpdated }));
    await context.manager.query(
      `INSERT INTO ${context.table(PackageStatusEntity)} AS p
         (tenant_id, tracking_id, status, carrier, carrier_status, updated_at, last_event_id, last_position)
       SELECT DISTINCT ON (tenant_id, tracking_id) *
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::uuid[], $8::bigint[])
           AS e (tenant_id, tracking_id, status, carrier, carrier_status, updated_at, last_event_id, last_position)
        ORDER BY tenant_id, tracking_id, updated_at DESC, last_position DESC
       ON CONFLICT (tenant_id, tracking_id) DO UPDATE
         SET status = EXCLUDED.status, carrier = EXCLUDED.carrier, carrier_status = EXCLUDED.carrier_status,
             updated_at = EXCLUDED.updated_at, last_event_id = EXCLUDED.last_event_id, last_position = EXCLUDED.last_position
       WHERE (p.updated_at, p.last_position) < (EXCLUDED.updated_at, EXCLUDED.last_position)`,
      [
        updates.map((u) => u.event.tenantId),
        updates.map((u) => u.data.trackingId),
        updates.map((u) => u.data.status),
        updates.map((u) => u.data.carrier),
        updates.map((u) => u.data.carrierStatus),
        updates.map((u) => u.data.occurredAt),
        updates.map((u) => u.event.eventId),
        updates.map((u) => u.event.position),
      ],
    );
  }
}
