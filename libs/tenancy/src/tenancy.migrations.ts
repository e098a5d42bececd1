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

/**
 * The full tenancy model: tenants can be disabled and carry their own ingress rate limit; users
 * belong to one tenant with a role; an API key may belong to a user (it then acts with the user's
 * current role and dies with the user) or stand alone as a service key with its own role.
 */
export class TenancyModel1764000000100 implements MigrationInterface {
  name = 'TenancyModel1764000000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tenancy.tenants
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN disabled_at timestamptz,
        ADD COLUMN rate_limit_per_second integer CHECK (rate_limit_per_second > 0)`);
    await q.query(`CREATE INDEX tenants_created ON tenancy.tenants (created_at, id)`);
    await q.query(`
      CREATE TABLE tenancy.users (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenancy.tenants (id),
        email text NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
        name text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
        role text NOT NULL CHECK (role IN ('owner', 'member', 'read_only')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        disabled_at timestamptz,
        UNIQUE (tenant_id, id)
      )`);
    await q.query(`CREATE UNIQUE INDEX users_tenant_email ON tenancy.users (tenant_id, lower(email))`);
    await q.query(`CREATE INDEX users_tenant_created ON tenancy.users (tenant_id, created_at, id)`);
    await q.query(`ALTER TABLE tenancy.api_keys ADD COLUMN user_id uuid`);
    // (tenant_id, user_id) → users: a key can only belong to a user of its own tenant.
    await q.query(`ALTER TABLE tenancy.api_keys ADD FOREIGN KEY (tenant_id, user_id) REFERENCES tenancy.users (tenant_id, id)`);
    await q.query(`CREATE INDEX api_keys_tenant_created ON tenancy.api_keys (tenant_id, created_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tenancy.api_keys DROP COLUMN user_id`);
    await q.query(`DROP TABLE tenancy.users`);
    await q.query(`DROP INDEX tenancy.tenants_created`);
    await q.query(`ALTER TABLE tenancy.tenants DROP COLUMN updated_at, DROP COLUMN disabled_at, DROP COLUMN rate_limit_per_second`);
  }
}

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

export const tenancyMigrations = [TenancyInit1763900000100, TenantRole1763999000100, TenancyModel1764000000100, TenancyIsolation1764000000150];
