import { TENANT_ROLE, tenantIsolationSql } from '@tributary/tenancy';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = [
  { table: 'event_store.events', privileges: ['SELECT', 'INSERT'] as const },
  { table: 'event_store.streams', privileges: ['SELECT', 'INSERT', 'UPDATE'] as const },
  { table: 'event_store.package_status', privileges: ['SELECT'] as const },
];

/**
 * Row-level security on the event store's tenant tables: the query API reads (and appends) inside
 * tenant transactions (`withTenant`), where Postgres shows only the caller's rows whatever a query
 * says. The app's own role (consumers, projections, rebuilds, the admin) is unaffected.
 */
export class EventStoreTenantIsolation1764001000200 implements MigrationInterface {
  name = 'EventStoreTenantIsolation1764001000200';

  async up(q: QueryRunner): Promise<void> {
    for (const { table, privileges } of TABLES) {
      for (const sql of tenantIsolationSql(table, { privileges })) await q.query(sql);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const { table } of TABLES) {
      await q.query(`DROP POLICY IF EXISTS ${table.replace('.', '_')}_tenant_isolation ON ${table}`);
      await q.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
      await q.query(`REVOKE ALL ON ${table} FROM ${TENANT_ROLE}`);
    }
  }
}
