import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const INGEST_PAGE_SIZE = 50;
export const INGEST_MAX_PAGE_SIZE = 100;

/** `?limit=&after=`: a page of a log read newest first (the ingest log, the gateway's delivery search). */
export class IngestPageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: INGEST_MAX_PAGE_SIZE, default: INGEST_PAGE_SIZE, description: 'Items per page' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(INGEST_MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: "The previous page's nextCursor" })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  after?: string;
}

/** `?extId=&since=&limit=&after=` on GET /v1/ingest (the gateway's and the worker's). */
export class ListIngestQuery extends IngestPageQuery {
  @ApiPropertyOptional({ description: "Only entries with this external id (a delivery's `webhook-id`, a pushed document's extId; in the worker, the URL fetched)" })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  extId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only entries received at or after this instant' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;
}
