import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { commitSignal } from '@tributary/database';
import { describeError, MessagePublisher, Wakeup } from '@tributary/messaging';
import { Topics } from '@tributary/topics';
import { DataSource, type EntityManager } from 'typeorm';
import { RunEntity } from '../runs/run.entity.js';
import { coalesce, parseCron } from './cron.js';
import { ScheduleFiringEntity } from './schedule-firing.entity.js';
import { ScheduleEntity } from './schedule.entity.js';

/** The in-process wake-up after a schedule was created or changed. */
export const SCHEDULES_CHANNEL = 'worker:schedules';

interface DueRow {
  id: string;
  tenant_id: string;
  action_id: string;
  cron: string;
  time_zone: string;
  input: Record<string, unknown>;
  timeout_ms: number;
  next_fire_at: Date;
  running_until: Date | null;
  integration: string;
  method: string;
  deployment_id: string;
  now: Date;
}

/**
 * The cron scheduler, in Postgres. Every replica runs this loop; a due schedule is taken with
 * `FOR UPDATE SKIP LOCKED`, fired and moved to its next tick in one transaction, so each tick fires
 * on exactly one replica (and `worker.schedule_firings` has one row per tick besides). Firing
 * publishes `integration.action.requested`, so scheduled work runs through the same handlers,
 * retries and run records as any message.
 *
 * - Run lock: a firing sets `running_until = now + timeout`; the run clears it when it ends. While
 *   it holds, a tick is skipped (overlap policy *skip*, recorded as a skipped run); a run that died or
 *   hangs is released by its timeout.
 * - Catch-up: after downtime, only the latest missed tick fires; the schedule goes on from the next
 *   future tick.
 * - Changes: schedules are read from the table on every pass (at most a second apart, at once in the
 *   process that changed them), so new or changed schedules need no restart.
 */
@Injectable()
export class CronScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CronScheduler.name);
  private readonly wakeup = new Wakeup();
  /** This replica's scheduler, as `worker.schedule_firings.fired_by` names it. */
  readonly instance = `scheduler-${randomUUID()}`;
  private running = false;
  private loop?: Promise<void>;
  private unsubscribe?: () => void;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: MessagePublisher,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.unsubscribe = commitSignal.subscribe(SCHEDULES_CHANNEL, () => this.wakeup.signal());
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.wakeup.signal();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let waitMs = 1_000;
      try {
        const fired = await this.fireDue();
        waitMs = fired > 0 ? 0 : await this.untilNextTick();
      } catch (error) {
        this.logger.warn(`Scheduler pass failed: ${describeError(error).message}`);
      }
      if (waitMs > 0) await this.wakeup.wait(waitMs);
    }
  }

  /** Fires what is due (a batch at a time); returns how many schedules it handled. */
  async fireDue(): Promise<number> {
    return this.dataSource.transaction(async (db) => {
      // SQL: `FOR UPDATE OF s SKIP LOCKED` over a join, each due schedule taken by one replica (no ORM form)
      const due = await db.query<DueRow[]>(
        `SELECT s.id, s.tenant_id, s.action_id, s.cron, s.time_zone, s.input, s.timeout_ms, s.next_fire_at, s.running_until,
                d.integration, a.method, d.id AS deployment_id, now() AS now
           FROM worker.schedules s
           JOIN worker.actions a ON a.id = s.action_id
           JOIN worker.deployments d ON d.id = a.deployment_id
          WHERE s.enabled AND a.enabled AND d.enabled AND s.next_fire_at <= now()
          ORDER BY s.next_fire_at LIMIT 20
          FOR UPDATE OF s SKIP LOCKED`,
      );
      for (const row of due) await this.fire(db, row);
      return due.length;
    });
  }

  private async fire(db: EntityManager, row: DueRow): Promise<void> {
    const now = new Date(row.now);
    const { tick, next } = coalesce(parseCron(row.cron, row.time_zone), new Date(row.next_fire_at), now);
    const runId = randomUUID();
    const overlapping = row.running_until !== null && new Date(row.running_until).getTime() > now.getTime();
    // A tick already fired (by another replica) leaves its row as it is (`orIgnore`): nothing returned, nothing fires.
    const firing = await db
      .createQueryBuilder()
      .insert()
      .into(ScheduleFiringEntity)
      .values({ scheduleId: row.id, tick, tenantId: row.tenant_id, outcome: overlapping ? 'skipped_overlap' : 'fired', runId, firedBy: this.instance })
      .orIgnore()
      .returning('tick')
      .execute();
    const fired = (firing.raw as unknown[]).length > 0;
    const run = { id: runId, tenantId: row.tenant_id, integration: row.integration, method: row.method, actionId: row.action_id, deploymentId: row.deployment_id, trigger: 'schedule' as const };
    if (fired && overlapping) {
      await db.insert(RunEntity, { ...run, state: 'skip', skipReason: 'overlap: the previous run still holds the lock', durationMs: 0, finishedAt: () => 'now()' });
    } else if (fired) {
      const request = await this.publisher.publish(
        db,
        Topics.actionRequested,
        { actionId: row.action_id, trigger: 'schedule', input: row.input, scheduledFor: tick.toISOString(), runId },
        { tenantId: row.tenant_id },
      );
      await db.insert(RunEntity, { ...run, messageId: request.id, state: 'init' });
      // SQL: the run lock's end on the database's clock (interval arithmetic, no ORM form)
      await db.query(
        `UPDATE worker.schedules SET running_until = now() + make_interval(secs => $2::float8), last_run_id = $3 WHERE id = $1`,
        [row.id, row.timeout_ms / 1000, runId],
      );
    }
    await db.update(ScheduleEntity, { id: row.id }, { nextFireAt: next, lastFiredAt: () => 'now()', updatedAt: () => 'now()' });
  }

  private async untilNextTick(): Promise<number> {
    // SQL: the wait computed from the database's clock (interval arithmetic, no ORM form)
    const [row] = await this.dataSource.query<{ ms: number | null }[]>(
      `SELECT extract(epoch FROM min(next_fire_at) - now()) * 1000 AS ms FROM worker.schedules WHERE enabled`,
    );
    const ms = row?.ms === null || row?.ms === undefined ? 1_000 : Number(row.ms);
    return Math.max(20, Math.min(1_000, Math.ceil(ms)));
  }
}
