import { Module } from '@nestjs/common';
import { IngestRetention } from '@tributary/ingest';
import { DataSource } from 'typeorm';
import { WorkerConfig } from '../worker.config.js';
import { ListIngestController } from './list-ingest/list-ingest.controller.js';
import { ListIngestHandler } from './list-ingest/list-ingest.handler.js';

/** Entries older than INGEST_RETENTION_SECONDS go, from this app's own log. */
const retention = {
  provide: IngestRetention,
  inject: [DataSource, WorkerConfig],
  useFactory: (dataSource: DataSource, config: WorkerConfig) => new IngestRetention(dataSource, 'worker.ingest_log', config.INGEST_RETENTION_SECONDS),
};

/**
 * The worker's ingest log: what upstreams answered its actions' fetches, in the gateway's shape, read over
 * `GET /v1/ingest` and trimmed by its retention. What goes in is written by the runtime's data fetcher through
 * `ActionAnswerLog`, which the runtime (IntegrationsModule) provides.
 */
@Module({
  controllers: [ListIngestController],
  providers: [retention, ListIngestHandler],
})
export class IngestModule {}
