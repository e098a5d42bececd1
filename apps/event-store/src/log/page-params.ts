import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_PAGE } from './log.views.js';

/** The page size every paginated query of the event store takes (`?limit=`); each query's params extend it. */
export class PageParams {
  @ApiProperty({ required: false, minimum: 1, maximum: MAX_PAGE, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  limit?: number;
}
