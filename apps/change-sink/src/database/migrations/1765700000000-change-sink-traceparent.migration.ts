import type { MigrationInterface, QueryRunner } from 'typeorm';

const COLUMNS_FROM = `INSERT INTO change_sink.changes (table_schema, table_name, op, tenant_id, row, old_row)`;
const COLUMNS_TO = `INSERT INTO change_sink.changes (table_schema, table_name, op, tenant_id, row, old_row, traceparent)`;
const VALUES_FROM = `CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE to_jsonb(OLD) END\n`;
const VALUES_TO = `CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE to_jsonb(OLD) END,\n          NULLIF(current_setting('tributary.traceparent', true), '')\n`;

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** Rewrites parts of the capture function, keeping the rest of its definition (security, search_path, NOTIFY) as it is. */
const rewrite = (pairs: readonly (readonly [string, string])[]) => `
  DO $do$
  DECLARE definition text := pg_get_functiondef('change_sink.capture()'::regprocedure);
  BEGIN
    ${pairs
      .map(
        ([from, to]) => `IF position(${literal(from)} IN definition) = 0 THEN
      RAISE EXCEPTION 'change_sink.capture() does not contain %', ${literal(from)};
    END IF;
    definition := replace(definition, ${literal(from)}, ${literal(to)});`,
      )
      .join('\n    ')}
    EXECUTE definition;
  END $do$`;

/**
 * A captured change keeps the trace of the transaction that wrote it: the capture trigger reads the
 * transaction's `tributary.traceparent` setting (set by the event store's projection batch while
 * tracing is on, `set_config(…, true)`), so the change-sink's push span continues the webhook's trace.
 * Unset (tracing off, or a write from outside the platform) the column stays null.
 */
export class ChangeSinkTraceparent1765700000000 implements MigrationInterface {
  name = 'ChangeSinkTraceparent1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE change_sink.changes ADD COLUMN traceparent text`);
    await q.query(
      rewrite([
        [COLUMNS_FROM, COLUMNS_TO],
        [VALUES_FROM, VALUES_TO],
      ]),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      rewrite([
        [COLUMNS_TO, COLUMNS_FROM],
        [VALUES_TO, VALUES_FROM],
      ]),
    );
    await q.query(`ALTER TABLE change_sink.changes DROP COLUMN traceparent`);
  }
}
