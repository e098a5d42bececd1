import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { commitSignal } from '@tributary/database';
import { TenantContext, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { INTEGRATIONS } from '../../runtime/integration-runtime.js';
import type { IntegrationDefinition } from '../../sdk/integration.js';
import { SCHEDULES_CHANNEL } from '../cron-scheduler.js';
import { nextTick, parseCron } from '../cron.js';
import { toScheduleBody, type ScheduleBody } from '../schedule.dto.js';
import { ScheduleEntity } from '../schedule.entity.js';
import { scheduledAction, scheduledInput } from '../scheduled-action.js';
import { CreateSchedule } from './create-schedule.command.js';

@CommandHandler(CreateSchedule)
export class CreateScheduleHandler implements ICommandHandler<CreateSchedule> {
  constructor(
    @Inject(INTEGRATIONS) private readonly integrations: readonly IntegrationDefinition[],
    private readonly dataSource: DataSource,
  ) {}

  execute({ caller, actionId, body }: CreateSchedule): Promise<ScheduleBody> {
    const tenant = TenantContext.of(caller);
    const timeZone = body.timeZone ?? 'UTC';
    const cron = parseCron(body.cron, timeZone);
    return withTenant(this.dataSource, tenant, async (db) => {
      const action = await scheduledAction(db, tenant, actionId);
      const schedule = {
        id: randomUUID(),
        actionId: action.id,
        cron: body.cron,
        timeZone,
        input: scheduledInput(this.integrations, action, body.input ?? {}),
        timeoutMs: body.timeoutMs ?? 300_000,
        enabled: body.enabled ?? true,
        nextFireAt: nextTick(cron, new Date()),
      };
      await new TenantRepository(db, ScheduleEntity, tenant).insert(schedule);
      commitSignal.afterCommit(db, SCHEDULES_CHANNEL);
      return toScheduleBody({ ...schedule, lastFiredAt: null, runningUntil: null });
    });
  }
}
