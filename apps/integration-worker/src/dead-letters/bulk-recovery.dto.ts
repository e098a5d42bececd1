import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { DeadLetterBody } from './dead-letter.dto.js';

export const BULK_RECOVERY_DEFAULT_LIMIT = 1_000;
export const BULK_RECOVERY_MAX_LIMIT = 10_000;
export const BULK_RECOVERY_SAMPLE = 10;

/**
 * Which dead letters POST /v1/dead-letters/redrive and /discard take (only those still `dead`), at least one filter:
 * a call never takes the whole queue by omission.
 */
export class DeadLetterSelectionBody {
  @ApiPropertyOptional({ description: "Only this topic's dead letters", example: 'tracking.carrier-update.received' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  topic?: string;

  @ApiPropertyOptional({ description: "Only this consumer group's (e.g. integration-worker, event-store)" })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  group?: string;

  @ApiPropertyOptional({ description: 'Only those given up with this error code (docs/errors.md)', example: 'upstream_unavailable' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { message: 'errorCode must be an error code (docs/errors.md)' })
  errorCode?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only those that died at or after this instant' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only those that died before this instant' })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "The platform admin key only: this tenant's dead letters (without it, every tenant's; a tenant key: its own only)" })
  @IsOptional()
  @IsUUID()
  tenantId?: string;

  @ApiPropertyOptional({ default: false, description: 'Count and sample what would be taken, change nothing' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: BULK_RECOVERY_MAX_LIMIT,
    default: BULK_RECOVERY_DEFAULT_LIMIT,
    description: 'At most this many in this call (in batches of 100, one transaction each); call again while `remaining` > 0',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(BULK_RECOVERY_MAX_LIMIT)
  limit?: number;
}

/** What a bulk redrive or discard did (or, dry, would do). */
export class BulkRecoveryBody {
  @ApiProperty({ description: 'True: nothing was changed' })
  dryRun: boolean;

  @ApiProperty({ description: 'Dead letters the selection matched when the call began' })
  matched: number;

  @ApiProperty({ description: 'Dead letters this call redrove or discarded (0 on a dry run)' })
  done: number;

  @ApiProperty({ description: 'Dead letters the selection still matches (call again while > 0)' })
  remaining: number;

  @ApiProperty({ type: [DeadLetterBody], description: 'Up to 10, oldest first: those a dry run would take, or the first this call took' })
  sample: DeadLetterBody[];
}
