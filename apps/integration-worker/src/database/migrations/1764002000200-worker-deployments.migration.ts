import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deployments (an integration's configuration and encrypted credentials for one external service,
 * per tenant) and actions (deployment × method, run by topic, schedule or hand).
 */
export class WorkerDeployments1764002000200 implements MigrationInterface {
  name = 'WorkerDeployments1764002000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE worker.deployments (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        integration text NOT NULL,
        name text NOT NULL,
        config jsonb NOT NULL DEFAULT '{}',
        -- SecretBox (AES-256-GCM) of the credentials' JSON, bound to the row id; never returned.
        credentials_sealed text,
        allow_private_network boolean NOT NULL DEFAULT false,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, integration, name)
      )`);
    await q.query(`
      CREATE TABLE worker.actions (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        deployment_id uuid NOT NULL REFERENCES worker.deployments (id) ON DELETE CASCADE,
        method text NOT NULL,
        -- runs on every message of the method's topic for this tenant
        on_topic boolean NOT NULL DEFAULT true,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (deployment_id, method)
      )`);
    await q.query(`CREATE INDEX actions_by_method ON worker.actions (tenant_id, method) WHERE enabled AND on_topic`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE worker.actions`);
    await q.query(`DROP TABLE worker.deployments`);
  }
}
