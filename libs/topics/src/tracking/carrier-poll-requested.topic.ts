import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { defineTopic } from '../topic.js';

/** A run of a tenant's carrier tracking poller was asked for (by its schedule, or by hand). */
export class CarrierPollRequested {
  /** At most this many open parcels this run (default: the deployment's `batchSize`). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export const carrierPollRequested = defineTopic({
  name: 'tracking.carrier.poll.requested',
  version: 1,
  description: "A poll of a carrier's tracking API for a tenant's open parcels was requested (the input of a poller action).",
  payload: CarrierPollRequested,
  key: () => 'poll',
});
