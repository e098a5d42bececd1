import type { MigrationInterface, QueryRunner } from 'typeorm';

export class GatewayInit1763900001000 implements MigrationInterface {
  name = 'GatewayInit1763900001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS gateway`);
    await q.query(`
      CREATE TABLE gateway.webhooks (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenancy.tenants (id),
        topic text NOT NULL,
        secret_sealed text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        disabled_at timestamptz
      )`);
    await q.query(`CREATE INDEX webhooks_tenant ON gateway.webhooks (tenant_id)`);
    // One row per accepted delivery: the `webhook-id` a sender retries with maps to the event we made.
    await q.query(`
      CREATE TABLE gateway.webhook_receipts (
        webhook_id uuid NOT NULL REFERENCES gateway.webhooks (id),
        message_id text NOT NULL,
        event_id uuid NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (webhook_id, message_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA gateway CASCADE`);
  }
}
