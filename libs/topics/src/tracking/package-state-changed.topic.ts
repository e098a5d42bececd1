import { IsIn, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { PACKAGE_STATUSES, type PackageStatus } from '@tributary/domain';
import { defineTopic } from '../topic.js';
import { PackageEvent } from './package-event.js';

/** A package really moved to another state (the state machine emits nothing for repeats or late news). */
export class PackageStateChanged extends PackageEvent {
  /** The state before; absent for a package's first state. */
  @IsOptional()
  @IsIn(PACKAGE_STATUSES)
  from?: PackageStatus;

  @IsIn(PACKAGE_STATUSES)
  to: PackageStatus;

  /** The package's transition number: 1 for its first state, then +1 per change. */
  @IsInt()
  @Min(1)
  version: number;

  @IsString()
  @MaxLength(128)
  carrierStatus: string;
}

export const packageStateChanged = defineTopic({
  name: 'tracking.package.state-changed',
  version: 1,
  description: "A package's state changed (a real transition: never a repeat, never backwards).",
  payload: PackageStateChanged,
  key: (p) => p.trackingId,
});
