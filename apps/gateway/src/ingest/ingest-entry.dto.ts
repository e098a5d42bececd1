import { ApiProperty } from '@nestjs/swagger';
import type { Page } from '../pagination/page.dto.js';
import type { IngestActorKind } from './ingest-entry.entity.js';

export class IngestActorView {
  @ApiProperty({ enum: ['api_key', 'webhook', 'action'], description: 'What sent it: an API key (POST /v1/ingest), a webhook, or an action' })
  kind: IngestActorKind;

  @ApiProperty({ description: 'The API key id, webhook id or action id' })
  id: string;
}

export class IngestAnswerView {
  @ApiProperty({ description: 'The HTTP status answered' })
  status: number;

  @ApiProperty({ type: String, nullable: true, description: 'The error code of a refusal (docs/errors.md)' })
  code: string | null;
}

/** One entry of the ingest log: what an external system sent, with its provenance and the answer given. */
export class IngestEntryView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: IngestActorView })
  actor: IngestActorView;

  @ApiProperty({ type: String, nullable: true, description: 'The peer address of the connection' })
  sourceIp: string | null;

  @ApiProperty({ type: String, nullable: true, description: "The sender's id: a delivery id (`webhook-id`), or a pushed document's extId" })
  extId: string | null;

  @ApiProperty({ description: 'SHA-256 of the body, hex' })
  contentHash: string;

  @ApiProperty({ description: 'Bytes' })
  bodySize: number;

  @ApiProperty({ type: String, nullable: true, description: 'The body as received (UTF-8); null when over 64 KiB: then only contentHash and bodySize are kept' })
  body: string | null;

  @ApiProperty({ type: String, nullable: true })
  contentType: string | null;

  @ApiProperty({ type: Date, nullable: true })
  validFrom: Date | null;

  @ApiProperty({ type: Date, nullable: true })
  validUntil: Date | null;

  @ApiProperty({ type: String, nullable: true, description: 'The topic it fed; null when refused' })
  topic: string | null;

  @ApiProperty({ type: IngestAnswerView })
  answer: IngestAnswerView;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The event it became (the original one for a repeat)' })
  eventId: string | null;

  @ApiProperty()
  receivedAt: Date;
}

/** One page of the ingest log, oldest first (REST only: the log is not a GraphQL type). */
export class IngestEntryPage implements Page<IngestEntryView> {
  @ApiProperty({ type: [IngestEntryView] })
  data: IngestEntryView[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `after` for the next page; null on the last page' })
  nextCursor: string | null;
}

/** What POST /v1/ingest answers: the entry, and whether this push made it (false: the same document was pushed before). */
export class PushedDocumentView extends IngestEntryView {
  @ApiProperty({ description: 'False when the same document (topic, extId, content, validity) was pushed before: the original entry and event' })
  created: boolean;
}
