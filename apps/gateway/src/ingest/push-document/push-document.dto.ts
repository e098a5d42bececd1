import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

/** A document a tenant pushes: published to `topic` like a webhook delivery, and logged. */
export class PushDocumentBody {
  @ApiProperty({ example: 'tracking.carrier-update.received', description: 'A topic of the registry; `data` must match its schema' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  topic: string;

  @ApiProperty({ example: 'erp-42', description: "The sender's id of the document (what GET /v1/ingest?extId= finds)" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  extId: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'From when the document holds' })
  @IsOptional()
  @IsISO8601({ strict: true })
  validFrom?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Until when the document holds (after validFrom)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  validUntil?: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: "The payload, validated against the topic's schema" })
  @IsObject()
  data: Record<string, unknown>;
}
