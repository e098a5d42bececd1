import { ApiProperty } from '@nestjs/swagger';
import type { IngestActorKind } from './ingest-entry-columns.js';

export class IngestActorView {
  @ApiProperty({
    enum: ['api_key', 'webhook', 'action'],
    description: "What sent it: an API key (POST /v1/ingest), a webhook (gateway), or an action (the worker's log: the upstream's answer to it)",
  })
  kind: IngestActorKind;

  @ApiProperty({ description: 'The API key id, webhook id or action id' })
  id: string;
}

export class IngestAnswerView {
  @ApiProperty({ description: "The HTTP status answered (gateway), or the upstream's status (worker)" })
  status: number;

  @ApiProperty({ type: String, nullable: true, description: 'The error code of a refusal or of a failed upstream answer (docs/errors.md)' })
  code: string | null;
}

/** One entry of an ingest log: what an external system sent (or an upstream answered), with its provenance and the answer. */
export class IngestEntryView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: IngestActorView })
  actor: IngestActorView;

  @ApiProperty({ type: String, nullable: true, description: "The peer address of the connection (gateway), or the upstream's host (worker)" })
  sourceIp: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "The sender's id: a delivery id (`webhook-id`) or a pushed document's extId (gateway); the URL fetched, without its query (worker)",
  })
  extId: string | null;

  @ApiProperty({ description: 'SHA-256 of the body, hex' })
  contentHash: string;

  @ApiProperty({ description: 'Bytes' })
  bodySize: number;

  @ApiProperty({ type: String, nullable: true, description: 'The body as received (UTF-8); null when over 64 KiB: then only contentHash and bodySize are kept' })
  body: string | null;

  @ApiProperty({ type: String, nullable: true })
  contentType: string | null;

  @ApiProperty({ type: Date, nullable: true, description: "From when it holds (a pushed document's validFrom; an upstream answer: when it came)" })
  validFrom: Date | null;

  @ApiProperty({ type: Date, nullable: true, description: "Until when it holds (a pushed document's validUntil; an upstream answer: until its document may be served from the cache)" })
  validUntil: Date | null;

  @ApiProperty({ type: String, nullable: true, description: 'The topic it fed, null when refused (gateway); the `integration.method` the answer served (worker)' })
  topic: string | null;

  @ApiProperty({ type: IngestAnswerView })
  answer: IngestAnswerView;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The event it became (the original one for a repeat); null in the worker' })
  eventId: string | null;

  @ApiProperty()
  receivedAt: Date;
}

/** One page of an ingest log, oldest first (REST only: the log is not a GraphQL type). */
export class IngestEntryPage {
  @ApiProperty({ type: [IngestEntryView] })
  data: IngestEntryView[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `after` for the next page; null on the last page' })
  nextCursor: string | null;
}
