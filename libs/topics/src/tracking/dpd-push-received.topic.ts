import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { defineTopic } from '../topic.js';

/**
 * A DPD-style parcel status push, as the carrier sends it: the parcel number, a status code and a
 * `ddMMyyyyHHmmss` timestamp (UTC), with whatever else the carrier adds.
 */
export class DpdPushReceived {
  @IsOptional()
  @IsString()
  @MaxLength(128)
  pushid?: string;

  /** The parcel number (what we call the tracking id). */
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  pnr: string;

  /** DPD's status code: start_order, pickup_driver, pickup_depot, delivery_depot, delivery_carload, delivery_customer, delivery_nab, delivery_shop, delivery_return, … */
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  status: string;

  @Matches(/^\d{14}$/, { message: 'statusdate must be ddMMyyyyHHmmss' })
  statusdate: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  depot?: string;
}

export const dpdPushReceived = defineTopic({
  name: 'tracking.carrier.dpd.received',
  version: 1,
  description: 'A DPD-style parcel status push, as the carrier sent it.',
  payload: DpdPushReceived,
  key: (p) => p.pnr,
  open: true,
});
