import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The worker's own tables: run records of every handler execution, and the journal of external
 * effects done once (`HandlerContext.once`).
 */
export class WorkerInit1764002000100 implements MigrationInterface {
  name = 'WorkerInit1764002000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS worker`);
    await q.query(`
      CREATE TABLE worker.runs (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        integration text NOT NULL,
        method text NOT NULL,
        action_id uuid,
        deployment_id uuid,
        trigger text NOT NULL CHECK (trigger IN ('topic', 'schedule', 'manual')),
        message_id uuid,
        state text NOT NULL CHECK (state IN ('init', 'ok', 'fail', 'skip')),
        attempt int NOT NULL DEFAULT 1,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        duration_ms int,
        outputs int NOT NULL DEFAULT 0,
        response_hash text,
        foreign_id text,
        skip_reason text,
        error_code text,
        error_message text
      )`);
    await q.query(`CREATE INDEX runs_by_tenant ON worker.runs (tenant_id, started_at DESC)`);
    await q.query(`CREATE INDEX runs_by_action ON worker.runs (action_id, started_at DESC) WHERE action_id IS NOT NULL`);
    // An effect is 'started' (intent recorded, outcome unknown until 'done') under its idempotency key.
    await q.query(`
      CREATE TABLE worker.effects (
        key text NOT NULL,
        name text NOT NULL,
        tenant_id uuid NOT NULL,
        state text NOT NULL CHECK (state IN ('started', 'done')),
        result jsonb,
        reconciled boolean NOT NULL DEFAULT false,
        started_at timestamptz NOT NULL DEFAULT now(),
        lease_until timestamptz NOT NULL,
        finished_at timestamptz,
        PRIMARY KEY (key, name)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE worker.effects`);
    await q.query(`DROP TABLE worker.runs`);
  }
}
