import { Injectable } from '@nestjs/common';
import type { PackageStatus } from '@tributary/domain';
import { NonRetryable } from '@tributary/messaging';
import type { DpdPushReceived, PackageUpdated } from '@tributary/topics';
import type { IntegrationHandler } from '../../../sdk/integration-handler.js';

/** DPD's status codes in the canonical vocabulary. */
const DPD_STATUS: Record<string, PackageStatus> = {
  start_order: 'pre_transit',
  pickup_driver: 'in_transit',
  pickup_depot: 'in_transit',
  delivery_depot: 'in_transit',
  delivery_carload: 'out_for_delivery',
  delivery_shop: 'out_for_delivery',
  delivery_customer: 'delivered',
  delivery_nab: 'exception',
  delivery_problem: 'exception',
  delivery_return: 'returned',
  return_to_sender: 'returned',
};

/** `ddMMyyyyHHmmss` (UTC) to ISO-8601. */
export function dpdTime(statusdate: string): string {
  const [, dd, mm, yyyy, hh, mi, ss] = /^(\d{2})(\d{2})(\d{4})(\d{2})(\d{2})(\d{2})$/.exec(statusdate) ?? [];
  const time = new Date(Date.UTC(Number(yyyy), Number(mm) - 1, Number(dd), Number(hh), Number(mi), Number(ss)));
  if (!dd || Number.isNaN(time.getTime()) || time.getUTCDate() !== Number(dd)) {
    throw new NonRetryable('carrier_payload_invalid', `statusdate "${statusdate}" is not a date`);
  }
  return time.toISOString();
}

export function adaptDpdPush(push: DpdPushReceived): PackageUpdated {
  return {
    trackingId: push.pnr.trim(),
    carrier: 'dpd',
    status: DPD_STATUS[push.status.trim().toLowerCase()] ?? 'unknown',
    carrierStatus: push.status,
    occurredAt: dpdTime(push.statusdate),
  };
}

/** The DPD-style adapter: one push in, one canonical update out. */
@Injectable()
export class AdaptDpdPush implements IntegrationHandler<DpdPushReceived, PackageUpdated> {
  async handle(push: DpdPushReceived): Promise<PackageUpdated> {
    return adaptDpdPush(push);
  }
}
