import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Max, MaxLength, Min } from 'class-validator';
import { POLLED_CARRIERS, type PolledCarrier } from './carrier-apis.js';

/** A tracking deployment's configuration: which carrier's API it polls, how fast and how much per run. */
export class CarrierPollerConfig {
  @IsIn(POLLED_CARRIERS)
  carrier: PolledCarrier;

  /** The API's base URL (default: the carrier's production API). */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  baseUrl?: string;

  /** The carrier's rate limit for this account: calls in any minute (default 60). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(6_000)
  requestsPerMinute?: number;

  /** Open parcels polled per run (default 20). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(500)
  batchSize?: number;
}

/**
 * The carrier account's secrets: DHL's API key, or the UPS / FedEx OAuth client id and secret (the poller
 * exchanges them for an access token itself: carrier-tokens.ts).
 */
export class CarrierPollerCredentials {
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  apiKey?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  clientId?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  clientSecret?: string;
}
