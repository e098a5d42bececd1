import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DEAD_LETTER_STATUSES, type DeadLetterStatus } from '@tributary/messaging';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export class ListDeadLettersQuery {
  @ApiPropertyOptional({ description: 'Consumer group (e.g. integration-worker, event-store)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  group?: string;

  @ApiPropertyOptional({ description: 'Topic name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  topic?: string;

  @ApiPropertyOptional({ enum: DEAD_LETTER_STATUSES, default: 'dead' })
  @IsOptional()
  @IsIn(DEAD_LETTER_STATUSES)
  status?: DeadLetterStatus;

  @ApiPropertyOptional({ description: 'Cursor: list dead letters after this id' })
  @IsOptional()
  @Matches(/^\d{1,18}$/)
  after?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class DeadLetterBody {
  @ApiProperty({ example: '42' })
  id: string;
  @ApiProperty({ description: 'The consumer group that gave the message up' })
  group: string;
  @ApiProperty()
  topic: string;
  @ApiProperty()
  partition: number;
  @ApiProperty()
  offset: string;
  @ApiProperty()
  messageId: string;
  @ApiProperty({ nullable: true, type: String })
  tenantId: string | null;
  @ApiProperty({ example: 'carrier_down' })
  errorCode: string;
  @ApiProperty()
  errorMessage: string;
  @ApiProperty({ description: 'Attempts made before the message was given up' })
  attempts: number;
  @ApiProperty({ enum: DEAD_LETTER_STATUSES })
  status: DeadLetterStatus;
  @ApiProperty({ description: 'How often it was redriven' })
  redrives: number;
  @ApiProperty({ format: 'date-time' })
  deadAt: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class DeadLetterDetailBody extends DeadLetterBody {
  @ApiProperty({ description: 'The message exactly as received (CloudEvents envelope, or the raw value if malformed)', type: Object })
  envelope: unknown;
}

export class DeadLetterListBody {
  @ApiProperty({ type: [DeadLetterBody] })
  items: DeadLetterBody[];
  @ApiPropertyOptional({ description: 'Pass as `after` for the next page; absent on the last page' })
  next?: string;
}
