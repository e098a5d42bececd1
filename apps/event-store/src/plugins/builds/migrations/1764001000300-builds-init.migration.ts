import { tenantIsolationSql } from '@tributary/tenancy';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The builds plugin's table, behind row-level security (its routes read in tenant transactions). */
export class BuildsInit1764001000300 implements MigrationInterface {
  name = 'BuildsInit1764001000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE event_store.builds (
        tenant_id uuid NOT NULL,
        build_id uuid NOT NULL,
        project_id uuid NOT NULL,
        created_at timestamptz,
        request_id uuid,
        branch_name text,
        branch_url text,
        commit_ref text,
        commit_url text,
        pull_request_number int,
        pull_request_name text,
        pull_request_url text,
        pull_request_description text,
        config jsonb,
        created_position bigint,
        status text,
        submitted_state text,
        pinned boolean NOT NULL DEFAULT false,
        state_at timestamptz,
        state_position bigint,
        bytes_real bigint NOT NULL DEFAULT 0,
        bytes_virtual bigint NOT NULL DEFAULT 0,
        disk_measured_at timestamptz,
        disk_position bigint,
        reaped boolean NOT NULL DEFAULT false,
        reaped_at timestamptz,
        reaped_reason int,
        reaped_reason_text text,
        reaped_position bigint,
        PRIMARY KEY (tenant_id, build_id)
      )`);
    await q.query(`CREATE INDEX builds_project ON event_store.builds (tenant_id, project_id)`);
    for (const sql of tenantIsolationSql('event_store.builds', { privileges: ['SELECT'] })) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE event_store.builds`);
  }
}
