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
