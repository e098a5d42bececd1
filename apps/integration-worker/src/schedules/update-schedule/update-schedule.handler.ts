import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { commitSignal } from '@tributary/database';
import { isUuid, TributaryError } from '@tributary/domain';
import { TenantContext, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { INTEGRATIONS } from '../../runtime/integration-runtime.js';
import type { IntegrationDefinition } from '../../sdk/integration.js';
import { SCHEDULES_CHANNEL } from '../cron-scheduler.js';
import { nextTick, parseCron } from '../cron.js';
import { toScheduleBody, type ScheduleBody } from '../schedule.dto.js';
import { ScheduleEntity } from '../schedule.entity.js';
import { scheduledAction, scheduledInput } from '../scheduled-action.js';
import { UpdateSchedule } from './update-schedule.command.js';

@CommandHandler(UpdateSchedule)
export class UpdateScheduleHandler implements ICommandHandler<UpdateSchedule> {
  constructor(
    @Inject(INTEGRATIONS) private readonly integrations: readonly IntegrationDefinition[],
    private readonly dataSource: DataSource,
  ) {}

  execute({ caller, id, body }: UpdateSchedule): Promise<ScheduleBody> {
    const tenant = TenantContext.of(caller);
    return withTenant(this.dataSource, tenant, async (db) => {
      const schedules = new TenantRepository(db, ScheduleEntity, tenant);
      const current = isUuid(id) ? await schedules.query('s').andWhere('s.id = :id', { id }).setLock('pessimistic_write').getOne() : null;
      if (!current) throw new TributaryError('not_found', 'schedule_not_found', 'No such schedule');
      const expression = body.cron ?? current.cron;
      const timeZone = body.timeZone ?? current.timeZone;
      const cron = parseCron(expression, timeZone);
      const input = body.input === undefined ? current.input : scheduledInput(this.integrations, await scheduledAction(db, tenant, current.actionId), body.input);
      // A new expression or zone starts from the next tick after now; otherwise the schedule keeps its place.
      const retimed = body.cron !== undefined || body.timeZone !== undefined;
      const changed = {
        cron: expression,
        timeZone,
        input,
        timeoutMs: body.timeoutMs ?? current.timeoutMs,
        enabled: body.enabled ?? current.enabled,
        nextFireAt: retimed ? nextTick(cron, new Date()) : current.nextFireAt,
        updatedAt: new Date(),
      };
      await schedules.update({ id: current.id }, { ...changed, input: changed.input as object });
      commitSignal.afterCommit(db, SCHEDULES_CHANNEL);
      return toScheduleBody({ ...current, ...changed });
    });
  }
}
