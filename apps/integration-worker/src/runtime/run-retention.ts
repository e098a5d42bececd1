import { Injectable } from '@nestjs/common';
import { PeriodicSweep } from '@tributary/database';
import { DataSource } from 'typeorm';
import { WorkerConfig } from '../worker.config.js';

const BATCH = 5_000;

/**
 * The run history's retention: runs started more than RUN_RETENTION_SECONDS ago are deleted, in
 * batches, once a minute, by whichever replica gets there. Idempotency does not rest on runs (the
 * inbox and the effect journal hold it), so an old run can go.
 */
@Injectable()
export class RunRetention extends PeriodicSweep {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: WorkerConfig,
  ) {
    super({ name: 'RunRetention', everyMs: 60_000, batchSize: BATCH });
  }

  protected async deleteBatch(): Promise<number> {
    // SQL: a bounded delete (CTE with LIMIT, counted in the same statement: no ORM form)
    const rows = await this.dataSource.query<{ n: string }[]>(
      `WITH expired AS (
         SELECT id FROM worker.runs WHERE started_at < now() - make_interval(secs => $1::float8) LIMIT ${BATCH}
       ), deleted AS (
         DELETE FROM worker.runs r USING expired e WHERE r.id = e.id RETURNING 1
       ) SELECT count(*) AS n FROM deleted`,
      [this.config.RUN_RETENTION_SECONDS],
    );
    return Number(rows[0].n);
  }
}
