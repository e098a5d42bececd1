import { Module } from '@nestjs/common';
import { DeploymentsController } from './deployments/deployments.controller.js';
import { DeploymentsService } from './deployments/deployments.service.js';
import { CronScheduler } from './schedules/cron-scheduler.js';
import { SchedulesController } from './schedules/schedules.controller.js';
import { SchedulesService } from './schedules/schedules.service.js';
import { TrackingController } from './tracking/tracking.controller.js';
import { DeadLettersController } from './admin/dead-letters/dead-letters.controller.js';
import { RunRetention } from './sdk/run-retention.js';

/** The worker's HTTP API: dead letters, deployments, actions, runs (and their retention), schedules (and their scheduler), tracking. */
@Module({
  controllers: [DeadLettersController, TrackingController, DeploymentsController, SchedulesController],
  providers: [DeploymentsService, SchedulesService, CronScheduler, RunRetention],
})
export class WorkerApiModule {}
