import { IsISO8601, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { defineTopic } from '../topic.js';

/** What a carrier tells us about a package, as it arrived on a webhook. */
export class CarrierUpdateReceived {
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  trackingId: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  carrier: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  status: string;

  @IsISO8601({ strict: true })
  occurredAt: string;
}

export const carrierUpdateReceived = defineTopic({
  name: 'tracking.carrier-update.received',
  version: 1,
  description: 'A carrier reported a package event through a webhook (raw carrier vocabulary).',
  payload: CarrierUpdateReceived,
  key: (p) => p.trackingId,
});
