import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Delivery search (GET /v1/deliveries): a webhook delivery's trace id and how long its answer took, both nullable
 * (pushed documents and entries written before have none), and indexes for the searches by trace id and by webhook.
 */
export class GatewayIngestLogSearch1765503000000 implements MigrationInterface {
  name = 'GatewayIngestLogSearch1765503000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE gateway.ingest_log ADD COLUMN trace_id text, ADD COLUMN duration_ms real`);
    await q.query(`CREATE INDEX ingest_log_tenant_trace ON gateway.ingest_log (tenant_id, trace_id) WHERE trace_id IS NOT NULL`);
    await q.query(`CREATE INDEX ingest_log_tenant_actor ON gateway.ingest_log (tenant_id, actor_id, received_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX gateway.ingest_log_tenant_actor`);
    await q.query(`DROP INDEX gateway.ingest_log_tenant_trace`);
    await q.query(`ALTER TABLE gateway.ingest_log DROP COLUMN duration_ms, DROP COLUMN trace_id`);
  }
}
