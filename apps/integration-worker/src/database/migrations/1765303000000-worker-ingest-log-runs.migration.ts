import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `worker.ingest_log`: which run got an answer — the run (`worker.runs.id`) and the message it ran for. Null for
 * a data action's fetch (it is no run). Not in the gateway's shape: the worker's entries add them, nullable.
 */
export class WorkerIngestLogRuns1765303000000 implements MigrationInterface {
  name = 'WorkerIngestLogRuns1765303000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE worker.ingest_log ADD COLUMN run_id uuid, ADD COLUMN message_id uuid`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE worker.ingest_log DROP COLUMN run_id, DROP COLUMN message_id`);
  }
}
