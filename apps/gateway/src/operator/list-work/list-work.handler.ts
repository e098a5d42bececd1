import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { requirePlatformAdmin } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { presentTables } from '../present-tables.js';
import { RUN_COLUMNS, toRun, type RunRow } from '../operator-run.js';
import type { OperatorProjection, OperatorSchedule, OperatorWork } from './list-work.dto.js';
import { ListOperatorWork } from './list-work.query.js';

const RUNS = 50;
const SCHEDULES = 100;

/**
 * The other apps' work, read from their tables in the one database (the gateway imports no app): the event
 * store's projection checkpoints and rebuilds, the worker's runs and schedules. The gateway does not run the
 * projections' code, so it cannot tell a stale version from a live one (GET /v1/projections on the event store
 * can); it shows what the tables hold.
 */
@QueryHandler(ListOperatorWork)
export class ListOperatorWorkHandler implements IQueryHandler<ListOperatorWork> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, tenantId }: ListOperatorWork): Promise<OperatorWork> {
    requirePlatformAdmin(caller);
    const tables = await presentTables(this.dataSource, ['event_store.projection_checkpoints', 'event_store.projection_rebuilds', 'worker.runs', 'worker.schedules']);
    const projections = tables.has('event_store.projection_checkpoints') && tables.has('event_store.projection_rebuilds') ? await this.projections() : [];
    const runs = tables.has('worker.runs') ? await this.runs(tenantId ?? null) : [];
    const schedules = tables.has('worker.schedules') ? await this.schedules(tenantId ?? null) : [];
    return { projections, runs, schedules };
  }

  private async projections(): Promise<OperatorProjection[]> {
    // SQL: the event store's tables (an app boundary), counts in commit order (xid8 row comparison).
    const rows = await this.dataSource.query<ProjectionRow[]>(
      `WITH head AS (SELECT coalesce(max(position), 0) AS position FROM event_store.events)
       SELECT n.name, coalesce(c.version, 0) AS live_version, coalesce(c.position, 0)::text AS position, coalesce(c.updated_at, r.started_at) AS updated_at,
              (SELECT count(*) FROM event_store.events e WHERE c.name IS NULL OR (e.transaction_id, e.position) > (c.transaction_id, c.position))::text AS events_after,
              r.status, r.reason, r.target_version, r.processed::text AS processed, r.started_at, r.finished_at, r.error,
              CASE WHEN r.status = 'done' OR head.position = 0 THEN 1 ELSE least(1, r.position::float8 / head.position) END AS progress
         FROM (SELECT name FROM event_store.projection_checkpoints UNION SELECT name FROM event_store.projection_rebuilds) n
         CROSS JOIN head
         LEFT JOIN event_store.projection_checkpoints c ON c.name = n.name
         LEFT JOIN event_store.projection_rebuilds r ON r.name = n.name
        ORDER BY n.name`,
    );
    return rows.map((r) => ({
      name: r.name,
      liveVersion: r.live_version,
      state: r.status === 'building' ? 'rebuilding' : 'live',
      position: r.position,
      eventsAfter: r.events_after,
      updatedAt: new Date(r.updated_at).toISOString(),
      rebuild: r.status
        ? {
            status: r.status,
            reason: r.reason!,
            targetVersion: r.target_version!,
            processed: r.processed!,
            progress: r.progress,
            startedAt: new Date(r.started_at!).toISOString(),
            finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
            error: r.error,
          }
        : null,
    }));
  }

  private async runs(tenantId: string | null) {
    // SQL: the worker's table (an app boundary; its entity is the worker's).
    const rows = await this.dataSource.query<RunRow[]>(
      `SELECT ${RUN_COLUMNS} FROM worker.runs WHERE ($1::uuid IS NULL OR tenant_id = $1) ORDER BY started_at DESC, id DESC LIMIT $2`,
      [tenantId, RUNS],
    );
    return rows.map(toRun);
  }

  private async schedules(tenantId: string | null): Promise<OperatorSchedule[]> {
    // SQL: the worker's tables (an app boundary), with each schedule's last run's state.
    const rows = await this.dataSource.query<ScheduleRow[]>(
      `SELECT s.id::text AS id, s.tenant_id::text AS tenant_id, s.action_id::text AS action_id, s.cron, s.time_zone, s.enabled,
              s.next_fire_at, s.last_fired_at, r.state AS last_run_state
         FROM worker.schedules s LEFT JOIN worker.runs r ON r.id = s.last_run_id
        WHERE ($1::uuid IS NULL OR s.tenant_id = $1) ORDER BY s.enabled DESC, s.next_fire_at, s.id LIMIT $2`,
      [tenantId, SCHEDULES],
    );
    return rows.map((s) => ({
      id: s.id,
      tenantId: s.tenant_id,
      actionId: s.action_id,
      cron: s.cron,
      timeZone: s.time_zone,
      enabled: s.enabled,
      nextFireAt: new Date(s.next_fire_at).toISOString(),
      lastFiredAt: s.last_fired_at ? new Date(s.last_fired_at).toISOString() : null,
      lastRunState: s.last_run_state,
    }));
  }
}

interface ProjectionRow {
  name: string;
  live_version: number;
  position: string;
  updated_at: Date;
  events_after: string;
  status: string | null;
  reason: string | null;
  target_version: number | null;
  processed: string | null;
  started_at: Date | null;
  finished_at: Date | null;
  error: string | null;
  progress: number;
}

interface ScheduleRow {
  id: string;
  tenant_id: string;
  action_id: string;
  cron: string;
  time_zone: string;
  enabled: boolean;
  next_fire_at: Date;
  last_fired_at: Date | null;
  last_run_state: string | null;
}
