import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../../pagination/page.dto.js';

/** `?extId=&since=&limit=&after=` on GET /v1/ingest. */
export class ListIngestQuery extends PageQuery {
  @ApiPropertyOptional({ description: "Only entries with this external id (a delivery's `webhook-id`, a pushed document's extId)" })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  extId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only entries received at or after this instant' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;
}
