import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DEAD_LETTER_STATUSES, type DeadLetterStatus } from '@tributary/messaging';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { DeadLetterBody } from '../dead-letter.dto.js';

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

export class DeadLetterListBody {
  @ApiProperty({ type: [DeadLetterBody] })
  items: DeadLetterBody[];
  @ApiPropertyOptional({ description: 'Pass as `after` for the next page; absent on the last page' })
  next?: string;
}
