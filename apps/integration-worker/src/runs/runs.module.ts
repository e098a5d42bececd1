import { Module } from '@nestjs/common';
import { QueueRecordRetention } from '../runtime/queue-record-retention.js';
import { RunRetention } from '../runtime/run-retention.js';
import { GetRunController } from './get-run/get-run.controller.js';
import { GetRunHandler } from './get-run/get-run.handler.js';
import { ListRunsController } from './list-runs/list-runs.controller.js';
import { ListRunsHandler } from './list-runs/list-runs.handler.js';

/** The run history: read by tenant (or by the admin across tenants), trimmed by its retention (with the runs' requests, replies and settlements). */
@Module({
  controllers: [ListRunsController, GetRunController],
  providers: [ListRunsHandler, GetRunHandler, RunRetention, QueueRecordRetention],
})
export class RunsModule {}
