import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { ScheduleBody } from '../schedule.dto.js';

/** The caller's schedules, oldest first. */
export class ListSchedules extends Query<ScheduleBody[]> {
  constructor(readonly caller: Principal) {
    super();
  }
}
