import { ApiProperty } from '@nestjs/swagger';
import { IngestEntryView } from '@tributary/ingest';

/** What POST /v1/ingest answers: the entry, and whether this push made it (false: the same document was pushed before). */
export class PushedDocumentView extends IngestEntryView {
  @ApiProperty({ description: 'False when the same document (topic, extId, content, validity) was pushed before: the original entry and event' })
  created: boolean;
}
