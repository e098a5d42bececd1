import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tenancy model of the gateway's domain (schemabase's): apps (one per vendor configuration),
 * integrations (a tenant's apps working together: enabled flag and a subscription), webhooks of an
 * app chosen verifier and their several secrets (rotation with overlap). Composite foreign keys on
 * (tenant_id, id) make a cross-tenant link impossible, whatever the code above does.
 */
export class GatewayTenancyModel1764000000200 implements MigrationInterface {
  name = 'GatewayTenancyModel1764000000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE gateway.apps (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenancy.tenants (id),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        vendor text NOT NULL CHECK (vendor ~ '^[a-z0-9][a-z0-9_.-]{0,49}$'),
        config jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        disabled_at timestamptz,
        UNIQUE (tenant_id, id)
      )`);
    await q.query(`CREATE INDEX apps_tenant_created ON gateway.apps (tenant_id, created_at, id)`);
    await q.query(`
      CREATE TABLE gateway.integrations (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenancy.tenants (id),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        enabled boolean NOT NULL DEFAULT true,
        subscription_plan text CHECK (length(subscription_plan) BETWEEN 1 AND 100),
        subscription_paid_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, id)
      )`);
    await q.query(`CREATE INDEX integrations_tenant_created ON gateway.integrations (tenant_id, created_at, id)`);
    await q.query(`
      CREATE TABLE gateway.integration_apps (
        tenant_id uuid NOT NULL,
        integration_id uuid NOT NULL,
        app_id uuid NOT NULL,
        PRIMARY KEY (integration_id, app_id),
        FOREIGN KEY (tenant_id, integration_id) REFERENCES gateway.integrations (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, app_id) REFERENCES gateway.apps (tenant_id, id)
      )`);
    await q.query(`CREATE INDEX integration_apps_app ON gateway.integration_apps (app_id)`);
    await q.query(`
      ALTER TABLE gateway.webhooks
        ADD COLUMN app_id uuid,
        ADD COLUMN name text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
        ADD COLUMN verifier text NOT NULL DEFAULT 'standard-webhooks'
          CHECK (verifier IN ('standard-webhooks', 'bearer', 'github', 'stripe', 'query-token')),
        ADD COLUMN rate_limit_per_second integer CHECK (rate_limit_per_second > 0),
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
        ADD UNIQUE (tenant_id, id),
        ADD FOREIGN KEY (tenant_id, app_id) REFERENCES gateway.apps (tenant_id, id)`);
    await q.query(`CREATE INDEX webhooks_tenant_created ON gateway.webhooks (tenant_id, created_at, id)`);
    await q.query(`CREATE INDEX webhooks_app ON gateway.webhooks (app_id)`);
    // Secrets the gateway must use again (HMAC keys) are sealed; secrets it only compares
    // (bearer and query tokens, 256 random bits) are kept as their SHA-256.
    await q.query(`
      CREATE TABLE gateway.webhook_secrets (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        webhook_id uuid NOT NULL,
        sealed text,
        sha256 bytea,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        CHECK ((sealed IS NULL) <> (sha256 IS NULL)),
        FOREIGN KEY (tenant_id, webhook_id) REFERENCES gateway.webhooks (tenant_id, id)
      )`);
    await q.query(`CREATE INDEX webhook_secrets_webhook ON gateway.webhook_secrets (webhook_id, created_at)`);
    await q.query(`
      INSERT INTO gateway.webhook_secrets (id, tenant_id, webhook_id, sealed, created_at)
      SELECT gen_random_uuid(), tenant_id, id, secret_sealed, created_at FROM gateway.webhooks`);
    await q.query(`ALTER TABLE gateway.webhooks DROP COLUMN secret_sealed`);
    // The idempotency window's retention deletes by age.
    await q.query(`CREATE INDEX webhook_receipts_received ON gateway.webhook_receipts (received_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX gateway.webhook_receipts_received`);
    await q.query(`ALTER TABLE gateway.webhooks ADD COLUMN secret_sealed text`);
    await q.query(`
      UPDATE gateway.webhooks w SET secret_sealed = (
        SELECT sealed FROM gateway.webhook_secrets s WHERE s.webhook_id = w.id AND s.sealed IS NOT NULL ORDER BY created_at DESC LIMIT 1)`);
    await q.query(`DROP TABLE gateway.webhook_secrets`);
    await q.query(`
      ALTER TABLE gateway.webhooks DROP COLUMN app_id, DROP COLUMN name, DROP COLUMN verifier,
        DROP COLUMN rate_limit_per_second, DROP COLUMN updated_at`);
    await q.query(`DROP TABLE gateway.integration_apps`);
    await q.query(`DROP TABLE gateway.integrations`);
    await q.query(`DROP TABLE gateway.apps`);
  }
}
