import { Injectable } from '@nestjs/common';
import { PeriodicSweep } from '@tributary/database';
import { DataSource } from 'typeorm';
import { GatewayConfig } from '../gateway.config.js';

const BATCH = 5_000;

/**
 * The ingest log's retention: entries received more than INGEST_RETENTION_SECONDS ago are deleted, in batches, once
 * a minute, by whichever gateway replica gets there (the deletes are idempotent). A pushed document pushed again
 * after its entry went is a new entry and a new event: the log is the idempotency record only within the retention.
 */
@Injectable()
export class IngestRetention extends PeriodicSweep {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: GatewayConfig,
  ) {
    super({ name: 'IngestRetention', everyMs: 60_000, batchSize: BATCH });
  }

  protected async deleteBatch(): Promise<number> {
    // SQL: a bounded delete (CTE with LIMIT, counted in the same statement: no ORM form)
    const rows = await this.dataSource.query<{ n: string }[]>(
      `WITH expired AS (
         SELECT id FROM gateway.ingest_log WHERE received_at < now() - make_interval(secs => $1::float8) LIMIT ${BATCH}
       ), deleted AS (
         DELETE FROM gateway.ingest_log l USING expired e WHERE l.id = e.id RETURNING 1
       ) SELECT count(*) AS n FROM deleted`,
      [this.config.INGEST_RETENTION_SECONDS],
    );
    return Number(rows[0].n);
  }
}
