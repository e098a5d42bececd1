import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ChangeSinkInit1763900003000 implements MigrationInterface {
  name = 'ChangeSinkInit1763900003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS change_sink`);
    await q.query(`
      CREATE TABLE change_sink.changes (
        id bigserial PRIMARY KEY,
        table_schema text NOT NULL,
        table_name text NOT NULL,
        op text NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
        tenant_id text,
        row jsonb,
        old_row jsonb,
        changed_at timestamptz NOT NULL DEFAULT now(),
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id()
      )`);
    await q.query(`CREATE INDEX changes_commit_order ON change_sink.changes (transaction_id, id)`);
    // The trigger writes the change row and NOTIFYs only a wake-up with no payload: a large row can
    // never make the user's write fail (NOTIFY payloads are limited to 8000 bytes), and nothing is
    // lost if no one is listening — readers go by the table, not by the notification.
    await q.query(`
      CREATE FUNCTION change_sink.capture() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        subject jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
      BEGIN
        INSERT INTO change_sink.changes (table_schema, table_name, op, tenant_id, row, old_row)
        VALUES (
          TG_TABLE_SCHEMA, TG_TABLE_NAME, lower(TG_OP), subject ->> 'tenant_id',
          CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE to_jsonb(NEW) END,
          CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE to_jsonb(OLD) END
        );
        PERFORM pg_notify('tributary_changes', '');
        RETURN NULL;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA change_sink CASCADE`);
  }
}
