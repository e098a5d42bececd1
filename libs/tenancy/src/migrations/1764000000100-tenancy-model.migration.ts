import type { MigrationInterface, QueryRunner } from 'typeorm';

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
