import { Module } from '@nestjs/common';
import { IngestRetention } from './ingest-retention.js';
import { ListIngestController } from './list-ingest/list-ingest.controller.js';
import { ListIngestHandler } from './list-ingest/list-ingest.handler.js';

/**
 * The worker's ingest log: what upstreams answered its actions' fetches, in the gateway's shape, read over
 * `GET /v1/ingest` and trimmed by its retention. What goes in is written by the runtime's data fetcher through
 * `ActionAnswerLog`, which the runtime (IntegrationsModule) provides.
 */
@Module({
  controllers: [ListIngestController],
  providers: [IngestRetention, ListIngestHandler],
})
export class IngestModule {}
