import { Module } from '@nestjs/common';
import { CreateScheduleController } from './create-schedule/create-schedule.controller.js';
import { CreateScheduleHandler } from './create-schedule/create-schedule.handler.js';
import { CronScheduler } from './cron-scheduler.js';
import { ListSchedulesController } from './list-schedules/list-schedules.controller.js';
import { ListSchedulesHandler } from './list-schedules/list-schedules.handler.js';
import { UpdateScheduleController } from './update-schedule/update-schedule.controller.js';
import { UpdateScheduleHandler } from './update-schedule/update-schedule.handler.js';

/** Cron schedules of actions, and the scheduler that fires them (in every replica, each tick once). */
@Module({
  controllers: [CreateScheduleController, ListSchedulesController, UpdateScheduleController],
  providers: [CreateScheduleHandler, ListSchedulesHandler, UpdateScheduleHandler, CronScheduler],
})
export class SchedulesModule {}
