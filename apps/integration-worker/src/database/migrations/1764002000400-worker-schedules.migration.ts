import { tenantIsolationSql } from '@tributary/tenancy';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The cron scheduler: schedules of actions (cron + time zone), each row its own lease (the firing
 * replica holds its row lock), the run lock (`running_until`) and one row per fired tick.
 */
export class WorkerSchedules1764002000400 implements MigrationInterface {
  name = 'WorkerSchedules1764002000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE worker.schedules (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        action_id uuid NOT NULL REFERENCES worker.actions (id) ON DELETE CASCADE,
        cron text NOT NULL,
        time_zone text NOT NULL,
        input jsonb NOT NULL DEFAULT '{}',
        timeout_ms int NOT NULL CHECK (timeout_ms > 0),
        enabled boolean NOT NULL DEFAULT true,
        next_fire_at timestamptz NOT NULL,
        last_fired_at timestamptz,
        -- the run lock: a firing holds it until its run ends, or until its timeout if the run dies
        running_until timestamptz,
        last_run_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX schedules_due ON worker.schedules (next_fire_at) WHERE enabled`);
    // One row per (schedule, tick): a second firing of the same tick cannot be written.
    await q.query(`
      CREATE TABLE worker.schedule_firings (
        schedule_id uuid NOT NULL REFERENCES worker.schedules (id) ON DELETE CASCADE,
        tick timestamptz NOT NULL,
        tenant_id uuid NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('fired', 'skipped_overlap')),
        run_id uuid NOT NULL,
        fired_at timestamptz NOT NULL DEFAULT now(),
        fired_by text NOT NULL,
        PRIMARY KEY (schedule_id, tick)
      )`);
    for (const table of ['worker.schedules', 'worker.schedule_firings']) for (const sql of tenantIsolationSql(table)) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE worker.schedule_firings`);
    await q.query(`DROP TABLE worker.schedules`);
  }
}
