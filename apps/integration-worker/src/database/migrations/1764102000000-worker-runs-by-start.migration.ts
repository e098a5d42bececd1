import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The run history's retention (RunRetention) deletes by start time across tenants. */
export class WorkerRunsByStart1764102000000 implements MigrationInterface {
  name = 'WorkerRunsByStart1764102000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX runs_by_started_at ON worker.runs (started_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX worker.runs_by_started_at`);
  }
}
