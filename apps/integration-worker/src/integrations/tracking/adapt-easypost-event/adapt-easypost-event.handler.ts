import { Injectable } from '@nestjs/common';
import type { PackageStatus } from '@tributary/domain';
import { NonRetryable } from '@tributary/messaging';
import type { EasyPostEventReceived, PackageUpdated } from '@tributary/topics';
import type { HandlerContext, HandlerResult, IntegrationHandler } from '../../../sdk/integration-handler.js';

const EASYPOST_STATUS: Record<string, PackageStatus> = {
  pre_transit: 'pre_transit',
  in_transit: 'in_transit',
  out_for_delivery: 'out_for_delivery',
  available_for_pickup: 'out_for_delivery',
  delivered: 'delivered',
  return_to_sender: 'returned',
  failure: 'exception',
  error: 'exception',
};

const iso = (value: string): string => {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw new NonRetryable('carrier_payload_invalid', `"${value}" is not a date`);
  return time.toISOString();
};

/**
 * Every tracking detail of the tracker becomes an update (the state machine keeps what is new and
 * drops repeats), so history sent again or out of order does no harm; a tracker without details
 * gives its current status.
 */
export function adaptEasyPostEvent(event: EasyPostEventReceived): PackageUpdated[] {
  const tracker = event.result;
  const base = { trackingId: tracker.tracking_code.trim(), carrier: tracker.carrier.trim().toLowerCase() };
  const details = tracker.tracking_details ?? [];
  if (details.length === 0) {
    return [{ ...base, status: EASYPOST_STATUS[tracker.status] ?? 'unknown', carrierStatus: tracker.status, occurredAt: iso(tracker.updated_at) }];
  }
  return details.map((d) => ({
    ...base,
    status: EASYPOST_STATUS[d.status] ?? 'unknown',
    carrierStatus: (d.message || d.status).slice(0, 128),
    occurredAt: iso(d.datetime),
  }));
}

/** The EasyPost-style adapter: one tracker event in, an update per tracking detail out. */
@Injectable()
export class AdaptEasyPostEvent implements IntegrationHandler<EasyPostEventReceived, PackageUpdated> {
  async handle(event: EasyPostEventReceived, context: HandlerContext<PackageUpdated>): Promise<HandlerResult<PackageUpdated>> {
    if (!event.description.startsWith('tracker.')) return context.skip(`not a tracker event (${event.description})`);
    return adaptEasyPostEvent(event);
  }
}
