import { PeriodicSweep } from '@tributary/database';
import type { DataSource } from 'typeorm';

const BATCH = 5_000;

/** The ingest logs there are: the gateway's (webhook deliveries, pushed documents) and the worker's (action answers). */
export type IngestLogTable = 'gateway.ingest_log' | 'worker.ingest_log';

/**
 * An ingest log's retention: entries received more than `retentionSeconds` ago are deleted, in batches of 5,000,
 * once a minute, by whichever replica gets there (the deletes are idempotent). Each app provides it for its own
 * table and setting (`INGEST_RETENTION_SECONDS`). A pushed document pushed again after its entry went is a new
 * entry: the log is the idempotency record only within the retention.
 */
export class IngestRetention extends PeriodicSweep {
  constructor(
    private readonly dataSource: DataSource,
    private readonly table: IngestLogTable,
    private readonly retentionSeconds: number,
  ) {
    super({ name: 'IngestRetention', everyMs: 60_000, batchSize: BATCH });
  }

  protected async deleteBatch(): Promise<number> {
    // SQL: a bounded delete (CTE with LIMIT, counted in the same statement: no ORM form)
    const rows = await this.dataSource.query<{ n: string }[]>(
      `WITH expired AS (
         SELECT id FROM ${this.table} WHERE received_at < now() - make_interval(secs => $1::float8) LIMIT ${BATCH}
       ), deleted AS (
         DELETE FROM ${this.table} l USING expired e WHERE l.id = e.id RETURNING 1
       ) SELECT count(*) AS n FROM deleted`,
      [this.retentionSeconds],
    );
    return Number(rows[0].n);
  }
}
