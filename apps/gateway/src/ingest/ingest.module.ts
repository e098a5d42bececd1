import { Module } from '@nestjs/common';
import { IngestLog } from './ingest-log.js';
import { IngestRetention } from './ingest-retention.js';
import { ListIngestController } from './list-ingest/list-ingest.controller.js';
import { ListIngestHandler } from './list-ingest/list-ingest.handler.js';
import { PushDocumentController } from './push-document/push-document.controller.js';
import { PushDocumentHandler } from './push-document/push-document.handler.js';

/**
 * The ingest log: what external systems sent, with provenance and the answer given. Webhook ingress records every
 * delivery it answers through IngestLog (batched); tenants push documents and read the log over REST; entries older
 * than INGEST_RETENTION_SECONDS are deleted (IngestRetention).
 */
@Module({
  controllers: [PushDocumentController, ListIngestController],
  providers: [IngestLog, IngestRetention, PushDocumentHandler, ListIngestHandler],
  exports: [IngestLog],
})
export class IngestModule {}
