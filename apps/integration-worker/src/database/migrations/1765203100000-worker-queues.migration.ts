import { tenantIsolationSql } from '@tributary/tenancy';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Request/reply and settling later (docs/integrations.md, "Queues"): the requests a run sent (one
 * per id: a retried run does not send it again), the replies the worker received for them, the
 * messages held unsettled by their token, and the run state `pending` (a run waiting to be settled).
 */
export class WorkerQueues1765203100000 implements MigrationInterface {
  name = 'WorkerQueues1765203100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE worker.requests (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        consumer text NOT NULL,
        topic text NOT NULL,
        reply_topic text NOT NULL,
        requested_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE worker.replies (
        tenant_id uuid NOT NULL,
        in_reply_to uuid NOT NULL,
        message_id uuid NOT NULL,
        topic text NOT NULL,
        envelope jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, in_reply_to)
      )`);
    await q.query(`
      CREATE TABLE worker.settlements (
        token_hash text PRIMARY KEY,
        tenant_id uuid NOT NULL,
        group_id text NOT NULL,
        consumer text NOT NULL,
        integration text NOT NULL,
        method text NOT NULL,
        action_id uuid,
        run_id uuid NOT NULL,
        message_id uuid NOT NULL,
        topic text NOT NULL,
        partition int NOT NULL,
        "offset" bigint NOT NULL,
        key text NOT NULL,
        envelope jsonb NOT NULL,
        attempt int NOT NULL,
        deadline timestamptz NOT NULL,
        state text NOT NULL CHECK (state IN ('pending', 'acked', 'nacked', 'rejected', 'lapsed')),
        reason text,
        outputs int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        settled_at timestamptz
      )`);
    await q.query(`CREATE INDEX settlements_by_message ON worker.settlements (consumer, message_id, created_at DESC)`);
    for (const table of ['worker.requests', 'worker.replies', 'worker.settlements']) for (const sql of tenantIsolationSql(table)) await q.query(sql);
    await q.query(`ALTER TABLE worker.runs DROP CONSTRAINT runs_state_check`);
    await q.query(`ALTER TABLE worker.runs ADD CONSTRAINT runs_state_check CHECK (state IN ('init', 'ok', 'fail', 'skip', 'pending'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM worker.runs WHERE state = 'pending'`);
    await q.query(`ALTER TABLE worker.runs DROP CONSTRAINT runs_state_check`);
    await q.query(`ALTER TABLE worker.runs ADD CONSTRAINT runs_state_check CHECK (state IN ('init', 'ok', 'fail', 'skip'))`);
    await q.query(`DROP TABLE worker.settlements`);
    await q.query(`DROP TABLE worker.replies`);
    await q.query(`DROP TABLE worker.requests`);
  }
}
