import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { RunBody } from '../run.dto.js';

export class ListRunsQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  actionId?: string;

  @ApiPropertyOptional({ enum: ['init', 'ok', 'fail', 'skip', 'pending'] })
  @IsOptional()
  @IsIn(['init', 'ok', 'fail', 'skip', 'pending'])
  state?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class RunListBody {
  @ApiProperty({ type: [RunBody] })
  items: RunBody[];
}
