import { Injectable } from '@nestjs/common';
import { PeriodicSweep } from '@tributary/database';
import { DataSource } from 'typeorm';
import { WorkerConfig } from '../worker.config.js';

const BATCH = 5_000;

/**
 * The worker's ingest log's retention: entries received more than INGEST_RETENTION_SECONDS ago are deleted, in
 * batches, once a minute, by whichever replica gets there (the deletes are idempotent).
 */
@Injectable()
export class IngestRetention extends PeriodicSweep {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: WorkerConfig,
  ) {
    super({ name: 'IngestRetention', everyMs: 60_000, batchSize: BATCH });
  }

  protected async deleteBatch(): Promise<number> {
    // SQL: a bounded delete (CTE with LIMIT, counted in the same statement: no ORM form)
    const rows = await this.dataSource.query<{ n: string }[]>(
      `WITH expired AS (
         SELECT id FROM worker.ingest_log WHERE received_at < now() - make_interval(secs => $1::float8) LIMIT ${BATCH}
       ), deleted AS (
         DELETE FROM worker.ingest_log l USING expired e WHERE l.id = e.id RETURNING 1
       ) SELECT count(*) AS n FROM deleted`,
      [this.config.INGEST_RETENTION_SECONDS],
    );
    return Number(rows[0].n);
  }
}
