import type { MigrationInterface, QueryRunner } from 'typeorm';
import { TENANT_ROLE, tenantIsolationSql } from '../tenant-scope.js';

/**
 * The role tenant-scoped transactions switch to (`withTenant`). Roles belong to the whole server, so
 * several databases (test runs, tenants of a shared server) may race to create it: either wins.
 * A connecting user that is not a superuser is made a member, so it may `SET ROLE` to it.
 */
export class TenantRole1763999000100 implements MigrationInterface {
  name = 'TenantRole1763999000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${TENANT_ROLE}') THEN
          BEGIN
            CREATE ROLE ${TENANT_ROLE} NOLOGIN NOINHERIT;
          EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
          END;
        END IF;
        IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
          EXECUTE format('GRANT ${TENANT_ROLE} TO %I', current_user);
        END IF;
      END $$`);
    // Tenant rows are read in tenant transactions (a tenant's own record; its API keys stay with the app's role).
    for (const sql of tenantIsolationSql('tenancy.tenants', { column: 'id', privileges: ['SELECT'] })) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY IF EXISTS tenancy_tenants_tenant_isolation ON tenancy.tenants`);
    await q.query(`ALTER TABLE tenancy.tenants DISABLE ROW LEVEL SECURITY`);
    await q.query(`REVOKE ALL ON ALL TABLES IN SCHEMA tenancy FROM ${TENANT_ROLE}`);
    await q.query(`REVOKE USAGE ON SCHEMA tenancy FROM ${TENANT_ROLE}`);
  }
}
