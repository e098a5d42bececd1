import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { ScheduleBody } from '../schedule.dto.js';
import type { UpdateScheduleBody } from './update-schedule.dto.js';

/** Changes a schedule; the schedulers pick it up on their next pass, without a restart. */
export class UpdateSchedule extends Command<ScheduleBody> {
  constructor(
    readonly caller: Principal,
    readonly id: string,
    readonly body: UpdateScheduleBody,
  ) {
    super();
  }
}
