import type { MigrationInterface, QueryRunner } from 'typeorm';
import { TENANT_ROLE, tenantIsolationSql } from './tenant-scope.js';

/** Tenants and the API keys that authenticate them, read by every app that serves callers. */
export class TenancyInit1763900000100 implements MigrationInterface {
  name = 'TenancyInit1763900000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS tenancy`);
    await q.query(`
      CREATE TABLE tenancy.tenants (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The key's secret part is stored as its SHA-256 only: it is 256 random bits, so a fast hash
    // is as strong as a slow one here, and lookups stay cheap.
    await q.query(`
      CREATE TABLE tenancy.api_keys (
        id uuid PRIMARY KEY,
        tenant_id uuid REFERENCES tenancy.tenants (id),
        role text NOT NULL CHECK (role IN ('platform_admin', 'owner', 'member', 'read_only')),
        prefix text NOT NULL UNIQUE,
        secret_sha256 bytea NOT NULL,
        name text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        CHECK ((role = 'platform_admin') = (tenant_id IS NULL))
      )`);
    await q.query(`CREATE INDEX api_keys_tenant ON tenancy.api_keys (tenant_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA tenancy CASCADE`);
  }
}

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

export const tenancyMigrations = [TenancyInit1763900000100, TenantRole1763999000100];
