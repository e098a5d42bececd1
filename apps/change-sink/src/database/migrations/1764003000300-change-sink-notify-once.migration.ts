import type { MigrationInterface, QueryRunner } from 'typeorm';

const PER_ROW = `pg_notify('tributary_changes', change_id::text)`;
const PER_TRANSACTION = `pg_notify('tributary_changes', '')`;

/** Rewrites the capture function's NOTIFY call, keeping the rest of its definition (security, search_path) as it is. */
const rewriteNotify = (from: string, to: string) => `
  DO $do$
  DECLARE definition text := pg_get_functiondef('change_sink.capture()'::regprocedure);
  BEGIN
    IF position(${literal(from)} IN definition) = 0 THEN
      RAISE EXCEPTION 'change_sink.capture() does not call %', ${literal(from)};
    END IF;
    EXECUTE replace(definition, ${literal(from)}, ${literal(to)});
  END $do$`;

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * The capture trigger's wake-up, once per transaction instead of once per row: PostgreSQL delivers
 * identical notifications of one transaction once, and readers go by the change table, never by the
 * payload (it only said the change id). A projection batch that writes a hundred rows now queues one
 * notification, not a hundred.
 */
export class ChangeSinkNotifyOnce1764003000300 implements MigrationInterface {
  name = 'ChangeSinkNotifyOnce1764003000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(rewriteNotify(PER_ROW, PER_TRANSACTION));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(rewriteNotify(PER_TRANSACTION, PER_ROW));
  }
}
