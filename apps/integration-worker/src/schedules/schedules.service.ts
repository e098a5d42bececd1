import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { commitSignal } from '@tributary/database';
import { TributaryError } from '@tributary/domain';
import { TenantContext, withTenant, type Principal } from '@tributary/tenancy';
import { parsePayload } from '@tributary/topics';
import { DataSource, type EntityManager } from 'typeorm';
import type { IntegrationDefinition } from '../sdk/integration.js';
import { INTEGRATIONS } from '../sdk/integration-runtime.js';
import { SCHEDULES_CHANNEL } from './cron-scheduler.js';
import { nextTick, parseCron } from './cron.js';
import type { CreateScheduleBody, ScheduleBody, UpdateScheduleBody } from './schedule.dto.js';

interface ScheduleRow {
  id: string;
  action_id: string;
  cron: string;
  time_zone: string;
  input: Record<string, unknown>;
  timeout_ms: number;
  enabled: boolean;
  next_fire_at: Date;
  last_fired_at: Date | null;
  running: boolean;
}

const COLUMNS = `id, action_id, cron, time_zone, input, timeout_ms, enabled, next_fire_at, last_fired_at, coalesce(running_until > now(), false) AS running`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const toBody = (r: ScheduleRow): ScheduleBody => ({
  id: r.id,
  actionId: r.action_id,
  cron: r.cron,
  timeZone: r.time_zone,
  input: r.input,
  timeoutMs: r.timeout_ms,
  enabled: r.enabled,
  nextFireAt: new Date(r.next_fire_at).toISOString(),
  lastFiredAt: r.last_fired_at ? new Date(r.last_fired_at).toISOString() : null,
  running: r.running,
});

/** A tenant's schedules of its actions; every change is seen by the schedulers on their next pass. */
@Injectable()
export class SchedulesService {
  constructor(
    @Inject(INTEGRATIONS) private readonly integrations: readonly IntegrationDefinition[],
    private readonly dataSource: DataSource,
  ) {}

  async create(caller: Principal, actionId: string, body: CreateScheduleBody): Promise<ScheduleBody> {
    const tenant = TenantContext.of(caller);
    const timeZone = body.timeZone ?? 'UTC';
    const cron = parseCron(body.cron, timeZone);
    return withTenant(this.dataSource, tenant, async (db) => {
      const action = await this.action(db, actionId);
      const input = this.validInput(action, body.input ?? {});
      const [row] = await db.query<ScheduleRow[]>(
        `WITH s AS (
           INSERT INTO worker.schedules (id, tenant_id, action_id, cron, time_zone, input, timeout_ms, enabled, next_fire_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *
         ) SELECT ${COLUMNS} FROM s`,
        [randomUUID(), tenant.tenantId, action.id, body.cron, timeZone, JSON.stringify(input), body.timeoutMs ?? 300_000, body.enabled ?? true, nextTick(cron, new Date())],
      );
      commitSignal.afterCommit(db, SCHEDULES_CHANNEL);
      return toBody(row);
    });
  }

  async update(caller: Principal, id: string, body: UpdateScheduleBody): Promise<ScheduleBody> {
    const tenant = TenantContext.of(caller);
    return withTenant(this.dataSource, tenant, async (db) => {
      const [current] = UUID.test(id) ? await db.query<ScheduleRow[]>(`SELECT ${COLUMNS} FROM worker.schedules WHERE id = $1 FOR UPDATE`, [id]) : [];
      if (!current) throw new TributaryError('not_found', 'schedule_not_found', 'No such schedule');
      const expression = body.cron ?? current.cron;
      const timeZone = body.timeZone ?? current.time_zone;
      const cron = parseCron(expression, timeZone);
      const input = body.input === undefined ? current.input : this.validInput(await this.action(db, current.action_id), body.input);
      // A new expression or zone starts from the next tick after now; otherwise the schedule keeps its place.
      const retimed = body.cron !== undefined || body.timeZone !== undefined;
      const [row] = await db.query<ScheduleRow[]>(
        `WITH s AS (
           UPDATE worker.schedules SET cron = $2, time_zone = $3, input = $4, timeout_ms = $5, enabled = $6,
                  next_fire_at = CASE WHEN $7 THEN $8::timestamptz ELSE next_fire_at END, updated_at = now()
            WHERE id = $1 RETURNING *
         ) SELECT ${COLUMNS} FROM s`,
        [id, expression, timeZone, JSON.stringify(input), body.timeoutMs ?? current.timeout_ms, body.enabled ?? current.enabled, retimed, nextTick(cron, new Date())],
      );
      commitSignal.afterCommit(db, SCHEDULES_CHANNEL);
      return toBody(row);
    });
  }

  async list(caller: Principal): Promise<ScheduleBody[]> {
    const tenant = TenantContext.of(caller);
    const rows = await withTenant(this.dataSource, tenant, (db) => db.query<ScheduleRow[]>(`SELECT ${COLUMNS} FROM worker.schedules ORDER BY created_at, id`));
    return rows.map(toBody);
  }

  private async action(db: EntityManager, id: string): Promise<{ id: string; integration: string; method: string }> {
    const [row] = UUID.test(id)
      ? await db.query<{ id: string; integration: string; method: string }[]>(
          `SELECT a.id, d.integration, a.method FROM worker.actions a JOIN worker.deployments d ON d.id = a.deployment_id WHERE a.id = $1`,
          [id],
        )
      : [];
    if (!row) throw new TributaryError('not_found', 'action_not_found', 'No such action');
    return row;
  }

  private validInput(action: { integration: string; method: string }, input: Record<string, unknown>): Record<string, unknown> {
    const route = this.integrations.find((i) => i.name === action.integration)?.routes.find((r) => r.method === action.method);
    if (!route) throw new TributaryError('invalid', 'method_unknown', `${action.integration} has no method "${action.method}"`);
    return { ...parsePayload(route.topic, input) };
  }
}
