import { IsISO8601, IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** What every tracking event carries: which package, which carrier, when. */
export abstract class PackageEvent {
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  trackingId: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  carrier: string;

  @IsISO8601({ strict: true })
  occurredAt: string;
}
