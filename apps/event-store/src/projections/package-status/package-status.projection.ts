import { Injectable } from '@nestjs/common';
import { Topics } from '@tributary/topics';
import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '../../log/stored-event.js';
import type { Projection } from '../projection.js';

/**
 * `event_store.package_status`: the latest known state of each package, per tenant. An update
 * only wins over a newer one already stored if it happened later (out-of-order carriers), and an
 * event already applied (same position) changes nothing.
 */
@Injectable()
export class PackageStatusProjection implements Projection {
  readonly name = 'package_status';
  readonly version = 1;
  readonly handles = [Topics.packageUpdated.name];

  async apply(manager: EntityManager, event: StoredEvent): Promise<void> {
    const data = event.data as { trackingId: string; carrier: string; status: string; carrierStatus: string; occurredAt: string };
    await manager.query(
      `INSERT INTO event_store.package_status AS p
         (tenant_id, tracking_id, status, carrier, carrier_status, updated_at, last_event_id, last_position)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (tenant_id, tracking_id) DO UPDATE
         SET status = EXCLUDED.status, carrier = EXCLUDED.carrier, carrier_status = EXCLUDED.carrier_status,
             updated_at = EXCLUDED.updated_at, last_event_id = EXCLUDED.last_event_id, last_position = EXCLUDED.last_position
       WHERE p.last_position < EXCLUDED.last_position AND p.updated_at <= EXCLUDED.updated_at`,
      [event.tenantId, data.trackingId, data.status, data.carrier, data.carrierStatus, data.occurredAt, event.eventId, event.position],
    );
  }
}
