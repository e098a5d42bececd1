import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Generic capture: where a change came from (a database trigger, the MySQL outbox relay, POST
 * /publish), to whom a published change goes, the relay's idempotency key and cursor; the trigger
 * takes the tenant column as its argument and NOTIFYs only the change id.
 */
export class ChangeSinkCapture1764003000000 implements MigrationInterface {
  name = 'ChangeSinkCapture1764003000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE change_sink.changes
        ADD COLUMN source text NOT NULL DEFAULT 'database',
        ADD COLUMN source_type text NOT NULL DEFAULT 'postgres' CHECK (source_type IN ('postgres', 'mysql', 'api')),
        ADD COLUMN version integer NOT NULL DEFAULT 1,
        ADD COLUMN target_user text,
        ADD COLUMN source_key text`);
    await q.query(`CREATE UNIQUE INDEX changes_source_key ON change_sink.changes (source_key) WHERE source_key IS NOT NULL`);
    await q.query(`CREATE INDEX changes_changed_at ON change_sink.changes (changed_at)`);
    // Where each relay (the MySQL outbox) stands: every outbox row at or below `position` is relayed.
    await q.query(`
      CREATE TABLE change_sink.source_cursors (
        source text PRIMARY KEY,
        position bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // TG_ARGV[0] names the tenant column ('' = the table has none); without an argument it is
    // tenant_id, as the platform's projection tables have it. The change row holds the whole row
    // (OLD on delete) and the NOTIFY only its id: a large row never makes the user's write fail
    // (NOTIFY payloads are limited to 8000 bytes), and a lost notification loses nothing — readers go
    // by the table.
    await q.query(`
      CREATE OR REPLACE FUNCTION change_sink.capture() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        tenant_column text := CASE WHEN TG_NARGS > 0 THEN TG_ARGV[0] ELSE 'tenant_id' END;
        subject jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
        change_id bigint;
      BEGIN
        INSERT INTO change_sink.changes (table_schema, table_name, op, tenant_id, row, old_row)
        VALUES (
          TG_TABLE_SCHEMA, TG_TABLE_NAME, lower(TG_OP),
          CASE WHEN tenant_column = '' THEN NULL ELSE subject ->> tenant_column END,
          CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE to_jsonb(NEW) END,
          CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE to_jsonb(OLD) END
        )
        RETURNING id INTO change_id;
        PERFORM pg_notify('tributary_changes', change_id::text);
        RETURN NULL;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE change_sink.source_cursors`);
    await q.query(`DROP INDEX change_sink.changes_changed_at`);
    await q.query(`DROP INDEX change_sink.changes_source_key`);
    await q.query(`ALTER TABLE change_sink.changes DROP COLUMN source, DROP COLUMN source_type, DROP COLUMN version, DROP COLUMN target_user, DROP COLUMN source_key`);
  }
}
