import type { MigrationInterface, QueryRunner } from 'typeorm';

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

export const tenancyMigrations = [TenancyInit1763900000100, TenancyModel1764000000100];
