import { Injectable } from '@nestjs/common';
import type { PackageStatus } from '@tributary/domain';
import type { PackageStateChanged, PackageUpdated } from '@tributary/topics';
import type { HandlerContext, HandlerResult, IntegrationHandler, Skipped } from '../../../sdk/integration-handler.js';
import { decide } from './package-state-machine.js';

interface CurrentRow {
  status: PackageStatus;
  status_at: Date;
  version: number;
}

/**
 * The package state machine's handler: stores every carrier event once (a repeat is dropped by its
 * key), and only a real transition moves the package and emits `tracking.package.state-changed` —
 * in the same transaction as the inbox claim, so a redelivery changes nothing.
 */
@Injectable()
export class ApplyPackageUpdate implements IntegrationHandler<PackageUpdated, PackageStateChanged> {
  async handle(update: PackageUpdated, context: HandlerContext<PackageStateChanged>): Promise<HandlerResult<PackageStateChanged>> {
    const tenantId = context.tenant.tenantId;
    const occurredAt = new Date(update.occurredAt);
    return context.commit(async (db): Promise<PackageStateChanged | Skipped> => {
      // SQL: hot path, the package's row locked for its transition (one statement)
      const [current] = await db.query<CurrentRow[]>(
        `SELECT status, status_at, version FROM worker.tracked_packages WHERE tenant_id = $1 AND tracking_id = $2 FOR UPDATE`,
        [tenantId, update.trackingId],
      );
      const verdict = decide(current ? { status: current.status, statusAt: new Date(current.status_at) } : undefined, { status: update.status, occurredAt });
      // SQL: hot path, one CTE with `ON CONFLICT ... DO UPDATE` (no ORM form).
      // One statement: the event goes into the history (a repeat is dropped by its key) and, only if it
      // was new and moves the package, the package takes its state.
      const version = (current?.version ?? 0) + 1;
      const [stored] = await db.query<{ stored: boolean }[]>(
        `WITH e AS (
           INSERT INTO worker.package_events (tenant_id, tracking_id, status, occurred_at, carrier, carrier_status, message_id, outcome)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING 1
         ), moved AS (
           INSERT INTO worker.tracked_packages (tenant_id, tracking_id, carrier, status, status_at, version)
           SELECT $1, $2, $5, $3, $4, $9 WHERE $8 = 'applied' AND EXISTS (SELECT 1 FROM e)
           ON CONFLICT (tenant_id, tracking_id) DO UPDATE
             SET carrier = EXCLUDED.carrier, status = EXCLUDED.status, status_at = EXCLUDED.status_at, version = EXCLUDED.version, updated_at = now()
         ) SELECT EXISTS (SELECT 1 FROM e) AS stored`,
        [tenantId, update.trackingId, update.status, occurredAt, update.carrier, update.carrierStatus, context.messageId, verdict, version],
      );
      if (!stored.stored) return context.skip('duplicate event');
      if (verdict !== 'applied') return context.skip(verdict);
      context.logger.info('package state changed', { trackingId: update.trackingId, from: current?.status, to: update.status, version });
      return {
        trackingId: update.trackingId,
        carrier: update.carrier,
        occurredAt: occurredAt.toISOString(),
        ...(current ? { from: current.status } : {}),
        to: update.status,
        version,
        carrierStatus: update.carrierStatus,
      };
    });
  }
}
