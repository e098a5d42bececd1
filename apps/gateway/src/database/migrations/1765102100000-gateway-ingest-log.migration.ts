import { TENANT_ROLE, tenantIsolationSql } from '@tributary/tenancy';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `gateway.ingest_log`: the append-only log of what external systems sent (webhook deliveries, accepted or refused,
 * and documents pushed to `POST /v1/ingest`), with provenance. Tenants read it under row-level security and may only
 * add to it (no UPDATE or DELETE). `(tenant_id, delivery_key)` is the natural key: a retried delivery with the same
 * answer, or a document pushed again, is one entry.
 */
export class GatewayIngestLog1765102100000 implements MigrationInterface {
  name = 'GatewayIngestLog1765102100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE gateway.ingest_log (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenancy.tenants (id),
        actor_kind text NOT NULL CHECK (actor_kind IN ('api_key', 'webhook', 'action')),
        actor_id text NOT NULL,
        source_ip text,
        ext_id text,
        content_hash text NOT NULL,
        body bytea,
        body_size integer NOT NULL,
        content_type text,
        valid_from timestamptz,
        valid_until timestamptz,
        topic text,
        status smallint NOT NULL,
        error_code text,
        event_id uuid,
        delivery_key text NOT NULL,
        received_at timestamptz NOT NULL,
        UNIQUE (tenant_id, delivery_key)
      )`);
    // GET /v1/ingest: by time (`since`, keyset on received_at, id) and by external id.
    await q.query(`CREATE INDEX ingest_log_tenant_received ON gateway.ingest_log (tenant_id, received_at, id)`);
    await q.query(`CREATE INDEX ingest_log_tenant_ext_id ON gateway.ingest_log (tenant_id, ext_id, received_at, id)`);
    for (const sql of tenantIsolationSql('gateway.ingest_log', { privileges: ['SELECT', 'INSERT'] })) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY IF EXISTS gateway_ingest_log_tenant_isolation ON gateway.ingest_log`);
    await q.query(`REVOKE ALL ON gateway.ingest_log FROM ${TENANT_ROLE}`);
    await q.query(`DROP TABLE gateway.ingest_log`);
  }
}
