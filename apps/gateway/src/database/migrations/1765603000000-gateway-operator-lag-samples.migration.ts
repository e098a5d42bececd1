import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The operator page's lag history: consumer lag per group and topic, sampled every 15 seconds by one gateway
 * replica at a time (LagSampler), kept for 7 days. Platform-wide (no tenant: lag is a group's, not a tenant's).
 * And the page's search of the ingest log by trace id or event id across tenants (its other indexes lead with the tenant).
 */
export class GatewayOperatorLagSamples1765603000000 implements MigrationInterface {
  name = 'GatewayOperatorLagSamples1765603000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE gateway.operator_lag_samples (
        sampled_at timestamptz NOT NULL,
        group_id text NOT NULL,
        topic text NOT NULL,
        lag bigint NOT NULL,
        PRIMARY KEY (sampled_at, group_id, topic)
      )`);
    await q.query(`CREATE INDEX ingest_log_trace ON gateway.ingest_log (trace_id) WHERE trace_id IS NOT NULL`);
    await q.query(`CREATE INDEX ingest_log_event ON gateway.ingest_log (event_id) WHERE event_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX gateway.ingest_log_event`);
    await q.query(`DROP INDEX gateway.ingest_log_trace`);
    await q.query(`DROP TABLE gateway.operator_lag_samples`);
  }
}
