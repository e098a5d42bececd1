import { Global, Module } from '@nestjs/common';
import { ActionAnswerLog } from './action-answer-log.js';
import { IngestRetention } from './ingest-retention.js';
import { ListIngestController } from './list-ingest/list-ingest.controller.js';
import { ListIngestHandler } from './list-ingest/list-ingest.handler.js';

/**
 * The worker's ingest log: what upstreams answered its actions' fetches, in the gateway's shape, read over
 * `GET /v1/ingest` and trimmed by its retention. Global: the data fetcher (runtime) records through ActionAnswerLog.
 */
@Global()
@Module({
  controllers: [ListIngestController],
  providers: [ActionAnswerLog, IngestRetention, ListIngestHandler],
  exports: [ActionAnswerLog],
})
export class IngestModule {}
