import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tables every app shares, whatever its own schema: `platform.instances`, where each running app
 * process keeps a heartbeat and a few live numbers (for the operator page: which replicas are up,
 * how many clients each holds). Every app's data source includes these migrations.
 */
export class PlatformInstances1764004000000 implements MigrationInterface {
  name = 'PlatformInstances1764004000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS platform`);
    await q.query(`
      CREATE TABLE platform.instances (
        instance_id text PRIMARY KEY,
        app text NOT NULL,
        host text NOT NULL,
        pid int NOT NULL,
        started_at timestamptz NOT NULL,
        heartbeat_at timestamptz NOT NULL DEFAULT now(),
        connected_clients int
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA platform CASCADE`);
  }
}
