import { ApiProperty } from '@nestjs/swagger';
import { TributaryError } from '@tributary/domain';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_PAGE = 1000;
export const DEFAULT_PAGE = 100;

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

/** A page size between 1 and 1000 (the same rule on REST and GraphQL). */
export function pageSize(limit: number | undefined): number {
  const size = limit ?? DEFAULT_PAGE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) {
    throw new TributaryError('invalid', 'limit_invalid', `limit must be an integer from 1 to ${MAX_PAGE}`);
  }
  return size;
}
