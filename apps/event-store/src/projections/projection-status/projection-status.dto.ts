import { ApiProperty } from '@nestjs/swagger';

export class RebuildBody {
  @ApiProperty({ enum: ['building', 'done', 'failed'] })
  status: string;
  @ApiProperty({ enum: ['requested', 'version-change', 'new-projection'], description: 'Why the rebuild started' })
  reason: string;
  @ApiProperty({ description: 'The projection version being built' })
  targetVersion: number;
  @ApiProperty({ description: "Events of the projection's types applied to the shadow tables so far" })
  processed: number;
  @ApiProperty({ description: 'Events to apply in all (processed + those still ahead); grows while events are appended' })
  total: number;
  @ApiProperty({ format: 'date-time' })
  startedAt: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  finishedAt: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why the rebuild failed (it resumes when requested again)' })
  error: string | null;
}

export class ProjectionStatusBody {
  @ApiProperty({ example: 'package_status' })
  name: string;
  @ApiProperty({ description: 'The version the running code builds' })
  version: number;
  @ApiProperty({ description: 'The version the live tables were built by (0: not built yet)' })
  liveVersion: number;
  @ApiProperty({ enum: ['live', 'rebuilding', 'stale'], description: 'stale: built by another version, rebuild pending' })
  state: string;
  @ApiProperty({ type: [String], example: ['event_store.package_status'] })
  tables: string[];
  @ApiProperty({ type: [String], description: 'The topics it reads' })
  events: string[];
  @ApiProperty({ description: 'Where the live tables are in the log (commit order)', example: '1234.567' })
  cursor: string;
  @ApiProperty({ description: "Events of the projection's types not applied to the live tables yet" })
  lag: number;
  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
  @ApiProperty({ type: RebuildBody, nullable: true, description: 'The latest rebuild, if any' })
  rebuild: RebuildBody | null;
}
