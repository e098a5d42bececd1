import type { MigrationInterface, QueryRunner } from 'typeorm';
import { TENANT_ROLE, tenantIsolationSql } from '../tenant-scope.js';

/**
 * Row-level security on the tenancy tables the management API reads and writes in tenant
 * transactions: users and API keys (a platform admin key, with no tenant, is never visible there),
 * and the tenant's own row may be renamed by its owner.
 */
export class TenancyIsolation1764000000150 implements MigrationInterface {
  name = 'TenancyIsolation1764000000150';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of tenantIsolationSql('tenancy.users', { privileges: ['SELECT', 'INSERT', 'UPDATE'] })) await q.query(sql);
    for (const sql of tenantIsolationSql('tenancy.api_keys', { privileges: ['SELECT', 'INSERT', 'UPDATE'] })) await q.query(sql);
    await q.query(`GRANT UPDATE (name, updated_at) ON tenancy.tenants TO ${TENANT_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE UPDATE (name, updated_at) ON tenancy.tenants FROM ${TENANT_ROLE}`);
    for (const table of ['users', 'api_keys']) {
      await q.query(`DROP POLICY IF EXISTS tenancy_${table}_tenant_isolation ON tenancy.${table}`);
      await q.query(`ALTER TABLE tenancy.${table} DISABLE ROW LEVEL SECURITY`);
      await q.query(`REVOKE ALL ON tenancy.${table} FROM ${TENANT_ROLE}`);
    }
  }
}
