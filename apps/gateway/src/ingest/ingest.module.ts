import { Module } from '@nestjs/common';
import { IngestRetention } from '@tributary/ingest';
import { DataSource } from 'typeorm';
import { GatewayConfig } from '../gateway.config.js';
import { IngestLog } from './ingest-log.js';
import { ListIngestController } from './list-ingest/list-ingest.controller.js';
import { ListIngestHandler } from './list-ingest/list-ingest.handler.js';
import { PushDocumentController } from './push-document/push-document.controller.js';
import { PushDocumentHandler } from './push-document/push-document.handler.js';
import { SearchDeliveriesController } from './search-deliveries/search-deliveries.controller.js';
import { SearchDeliveriesHandler } from './search-deliveries/search-deliveries.handler.js';

/** Entries older than INGEST_RETENTION_SECONDS go, from this app's own log. */
const retention = {
  provide: IngestRetention,
  inject: [DataSource, GatewayConfig],
  useFactory: (dataSource: DataSource, config: GatewayConfig) => new IngestRetention(dataSource, 'gateway.ingest_log', config.INGEST_RETENTION_SECONDS),
};

/**
 * The ingest log: what external systems sent, with provenance and the answer given. Webhook ingress records every
 * delivery it answers through IngestLog (batched); tenants push documents and read the log over REST; entries older
 * than INGEST_RETENTION_SECONDS are deleted (IngestRetention).
 */
@Module({
  controllers: [PushDocumentController, ListIngestController, SearchDeliveriesController],
  providers: [IngestLog, retention, PushDocumentHandler, ListIngestHandler, SearchDeliveriesHandler],
  exports: [IngestLog],
})
export class IngestModule {}
