import { Module } from '@nestjs/common';
import { DeploymentsController } from '../deployments/deployments.controller.js';
import { DeploymentsService } from '../deployments/deployments.service.js';
import { CronScheduler } from '../schedules/cron-scheduler.js';
import { SchedulesController } from '../schedules/schedules.controller.js';
import { SchedulesService } from '../schedules/schedules.service.js';
import { TrackingController } from '../tracking/tracking.controller.js';
import { DeadLettersController } from './dead-letters/dead-letters.controller.js';

/** The worker's admin API: dead letters (and, in their own modules, deployments, actions and runs). */
@Module({
  controllers: [DeadLettersController, TrackingController, DeploymentsController, SchedulesController],
  providers: [DeploymentsService, SchedulesService, CronScheduler],
})
export class AdminModule {}
