import { tenantIsolationSql } from '@tributary/tenancy';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The change table behind row-level security: a client's replay (resume after a cursor) reads it in
 * a tenant transaction, so even a query that forgot its tenant filter sees only that tenant's
 * changes. The capture function runs as its owner (SECURITY DEFINER), so an operator's application
 * connected as another role can write its tables without rights on the change table.
 */
export class ChangeSinkIsolation1764003000100 implements MigrationInterface {
  name = 'ChangeSinkIsolation1764003000100';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of tenantIsolationSql('change_sink.changes', { type: 'text', privileges: ['SELECT'] })) await q.query(sql);
    await q.query(`ALTER FUNCTION change_sink.capture() SECURITY DEFINER SET search_path = pg_catalog, pg_temp`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION change_sink.capture() SECURITY INVOKER RESET search_path`);
    await q.query(`DROP POLICY change_sink_changes_tenant_isolation ON change_sink.changes`);
    await q.query(`ALTER TABLE change_sink.changes DISABLE ROW LEVEL SECURITY`);
  }
}
