import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { defineTopic } from '../topic.js';
import { PackageEvent } from './package-event.js';

/** What a carrier tells us about a package, as it arrived on a webhook. */
export class CarrierUpdateReceived extends PackageEvent {
  /** In the carrier's own words. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  status: string;
}

export const carrierUpdateReceived = defineTopic({
  name: 'tracking.carrier-update.received',
  version: 1,
  description: 'A carrier reported a package event through a webhook (raw carrier vocabulary).',
  payload: CarrierUpdateReceived,
  key: (p) => p.trackingId,
});
