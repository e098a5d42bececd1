import { ApiProperty } from '@nestjs/swagger';

export class PackageEventBody {
  @ApiProperty()
  status: string;
  @ApiProperty()
  carrierStatus: string;
  @ApiProperty({ format: 'date-time' })
  occurredAt: string;
  @ApiProperty({ enum: ['applied', 'stale', 'same', 'regression', 'ignored'], description: 'What the event did to the package' })
  outcome: string;
}

export class PackageBody {
  @ApiProperty()
  trackingId: string;
  @ApiProperty()
  carrier: string;
  @ApiProperty({ description: 'Current canonical state' })
  status: string;
  @ApiProperty({ format: 'date-time', description: 'When the carrier reported the current state' })
  statusAt: string;
  @ApiProperty({ description: 'Transitions so far' })
  version: number;
  @ApiProperty({ type: [PackageEventBody], description: 'Every distinct carrier event, in the order they happened' })
  events: PackageEventBody[];
}
