import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IngestPageQuery } from '@tributary/ingest';
import { IsISO8601, IsOptional, IsString, IsUUID, Matches } from 'class-validator';

/** `?webhookId=&status=&code=&since=&until=&traceId=&tenantId=&limit=&after=` on GET /v1/deliveries. */
export class SearchDeliveriesQuery extends IngestPageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only deliveries to this webhook' })
  @IsOptional()
  @IsUUID()
  webhookId?: string;

  @ApiPropertyOptional({ example: '4xx', description: 'Only deliveries answered with this HTTP status (`401`) or status class (`4xx`)' })
  @IsOptional()
  @IsString()
  @Matches(/^[1-5](\d\d|xx)$/, { message: 'status must be an HTTP status (401) or a status class (4xx)' })
  status?: string;

  @ApiPropertyOptional({ example: 'signature_invalid', description: 'Only deliveries refused with this error code (docs/errors.md)' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { message: 'code must be an error code (docs/errors.md)' })
  code?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only deliveries received at or after this instant' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only deliveries received before this instant' })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;

  @ApiPropertyOptional({ example: '4bf92f3577b34da6a3ce929d0e0e4736', description: 'Only the delivery answered with this trace id (the `traceId` of its answer, 32 hex digits)' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9a-f]{32}$/, { message: 'traceId must be 32 lowercase hex digits' })
  traceId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "The platform admin key only: this tenant's deliveries (without it, every tenant's)" })
  @IsOptional()
  @IsUUID()
  tenantId?: string;
}

/** One webhook delivery as the ingress answered it (an entry of the ingest log, without its body). */
export class DeliveryView {
  @ApiProperty({ format: 'uuid', description: 'The ingest log entry id (GET /v1/ingest shows it with its body)' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  tenantId: string;

  @ApiProperty({ description: 'The webhook it was sent to' })
  webhookId: string;

  @ApiProperty({ type: String, nullable: true, description: "The delivery id (`webhook-id`): verified when accepted, as the sender claimed it when refused" })
  extId: string | null;

  @ApiProperty({ description: 'The HTTP status answered' })
  status: number;

  @ApiProperty({ type: String, nullable: true, description: 'The error code of a refusal (docs/errors.md)' })
  code: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The topic it fed (accepted deliveries)' })
  topic: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The event it became (accepted deliveries)' })
  eventId: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The trace id of the answer (null for entries older than delivery search)' })
  traceId: string | null;

  @ApiProperty({ type: Number, nullable: true, description: 'How long the answer took, in milliseconds' })
  durationMs: number | null;

  @ApiProperty({ description: 'Bytes' })
  bodySize: number;

  @ApiProperty({ description: 'SHA-256 of the body, hex' })
  contentHash: string;

  @ApiProperty({ type: String, nullable: true, description: 'The peer address of the connection' })
  sourceIp: string | null;

  @ApiProperty()
  receivedAt: Date;
}

/** One page of deliveries, newest first. */
export class DeliveryPage {
  @ApiProperty({ type: [DeliveryView] })
  data: DeliveryView[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `after` for the next (older) page; null on the last page' })
  nextCursor: string | null;
}
