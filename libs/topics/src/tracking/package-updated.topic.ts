import { IsIn, IsString, MaxLength } from 'class-validator';
import { PACKAGE_STATUSES, type PackageStatus } from '@tributary/domain';
import { defineTopic } from '../topic.js';
import { PackageEvent } from './package-event.js';

/** A package's normalized state after a carrier update was understood. */
export class PackageUpdated extends PackageEvent {
  @IsIn(PACKAGE_STATUSES)
  status: PackageStatus;

  /** The carrier's own word for it, kept next to the canonical status. */
  @IsString()
  @MaxLength(128)
  carrierStatus: string;
}

export const packageUpdated = defineTopic({
  name: 'tracking.package.updated',
  version: 1,
  description: 'A package changed state (canonical status vocabulary).',
  payload: PackageUpdated,
  key: (p) => p.trackingId,
});
