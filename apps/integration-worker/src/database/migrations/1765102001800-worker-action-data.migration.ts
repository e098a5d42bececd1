import { tenantIsolationSql } from '@tributary/tenancy';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The cache of on-demand data actions: each action's last fetched document, its fetch time and validity. */
export class WorkerActionData1765102001800 implements MigrationInterface {
  name = 'WorkerActionData1765102001800';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE worker.action_data (
        action_id uuid PRIMARY KEY REFERENCES worker.actions (id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL,
        document jsonb NOT NULL,
        fetched_at timestamptz NOT NULL,
        valid_until timestamptz NOT NULL
      )`);
    for (const sql of tenantIsolationSql('worker.action_data')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE worker.action_data`);
  }
}
