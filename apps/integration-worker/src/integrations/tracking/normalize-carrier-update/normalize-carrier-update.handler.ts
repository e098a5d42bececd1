import { Injectable } from '@nestjs/common';
import { normalizePackageStatus } from '@tributary/domain';
import type { CarrierUpdateReceived, PackageUpdated } from '@tributary/topics';
import type { HandlerContext, IntegrationHandler } from '../../../sdk/integration-handler.js';

/** Turns a carrier's raw update into the canonical `tracking.package.updated` (chained on success). */
export function normalizeCarrierUpdate(update: {
  trackingId: string;
  carrier: string;
  status: string;
  occurredAt: string;
}): PackageUpdated {
  return {
    trackingId: update.trackingId.trim(),
    carrier: update.carrier.trim().toLowerCase(),
    status: normalizePackageStatus(update.status),
    carrierStatus: update.status,
    occurredAt: new Date(update.occurredAt).toISOString(),
  };
}

/** The generic JSON carrier adapter: one update in, one canonical update out. */
@Injectable()
export class NormalizeCarrierUpdate implements IntegrationHandler<CarrierUpdateReceived, PackageUpdated> {
  async handle(update: CarrierUpdateReceived, context: HandlerContext<PackageUpdated>): Promise<PackageUpdated> {
    const normalized = normalizeCarrierUpdate(update);
    context.logger.info('carrier update normalized', { status: normalized.status });
    return normalized;
  }
}
