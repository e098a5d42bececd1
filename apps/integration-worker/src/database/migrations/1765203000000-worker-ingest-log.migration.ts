import { TENANT_ROLE, tenantIsolationSql } from '@tributary/tenancy';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `worker.ingest_log`: the worker's ingest log, in the gateway's shape (`gateway.ingest_log`'s columns): every
 * answer an upstream gave an action's fetch, with provenance (the action, the upstream's host, the URL, the content
 * hash, the validity it was served with, the method, the status), append-only. Tenants read it under row-level
 * security and may only add to it. `(tenant_id, delivery_key)` is the natural key: a batch written again is one entry.
 */
export class WorkerIngestLog1765203000000 implements MigrationInterface {
  name = 'WorkerIngestLog1765203000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE worker.ingest_log (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
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
    // GET /v1/ingest: by time (`since`, keyset on received_at, id) and by external id; the retention by time.
    await q.query(`CREATE INDEX ingest_log_tenant_received ON worker.ingest_log (tenant_id, received_at, id)`);
    await q.query(`CREATE INDEX ingest_log_tenant_ext_id ON worker.ingest_log (tenant_id, ext_id, received_at, id)`);
    await q.query(`CREATE INDEX ingest_log_received ON worker.ingest_log (received_at)`);
    for (const sql of tenantIsolationSql('worker.ingest_log', { privileges: ['SELECT', 'INSERT'] })) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY IF EXISTS worker_ingest_log_tenant_isolation ON worker.ingest_log`);
    await q.query(`REVOKE ALL ON worker.ingest_log FROM ${TENANT_ROLE}`);
    await q.query(`DROP TABLE worker.ingest_log`);
  }
}
