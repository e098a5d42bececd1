import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The ingest log's retention (IngestRetention) deletes by receiving time across tenants: an index on it alone. */
export class GatewayIngestLogRetention1765203000100 implements MigrationInterface {
  name = 'GatewayIngestLogRetention1765203000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX ingest_log_received ON gateway.ingest_log (received_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX gateway.ingest_log_received`);
  }
}
