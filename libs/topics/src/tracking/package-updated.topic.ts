import { IsIn, IsISO8601, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { PACKAGE_STATUSES, type PackageStatus } from '@tributary/domain';
import { defineTopic } from '../topic.js';

/** A package's normalized state after a carrier update was understood. */
export class PackageUpdated {
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  trackingId: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  carrier: string;

  @IsIn(PACKAGE_STATUSES)
  status: PackageStatus;

  @IsString()
  @MaxLength(128)
  carrierStatus: string;

  @IsISO8601({ strict: true })
  occurredAt: string;
}

export const packageUpdated = defineTopic({
  name: 'tracking.package.updated',
  version: 1,
  description: 'A package changed state (canonical status vocabulary).',
  payload: PackageUpdated,
  key: (p) => p.trackingId,
});
