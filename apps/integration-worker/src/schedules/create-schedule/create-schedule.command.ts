import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { ScheduleBody } from '../schedule.dto.js';
import type { CreateScheduleBody } from './create-schedule.dto.js';

/** Runs one of the caller's actions on a cron schedule in a time zone. */
export class CreateSchedule extends Command<ScheduleBody> {
  constructor(
    readonly caller: Principal,
    readonly actionId: string,
    readonly body: CreateScheduleBody,
  ) {
    super();
  }
}
