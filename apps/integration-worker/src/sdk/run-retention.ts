import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicSweep } from '@tributary/database';
import { DataSource } from 'typeorm';
import { WorkerConfig } from '../worker.config.js';

const SWEEP_EVERY_MS = 60_000;
const BATCH = 5_000;

/**
 * The run history's retention: runs started more than RUN_RETENTION_SECONDS ago are deleted, in
 * batches, once a minute, by whichever replica gets there. Idempotency does not rest on runs (the
 * inbox and the effect journal hold it), so an old run can go.
 */
@Injectable()
export class RunRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly sweeper: PeriodicSweep;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: WorkerConfig,
  ) {
    this.sweeper = new PeriodicSweep({
      name: 'run history retention',
      everyMs: SWEEP_EVERY_MS,
      batchSize: BATCH,
      deleteBatch: () => this.deleteBatch(),
      logger: new Logger(RunRetention.name),
    });
  }

  onApplicationBootstrap(): void {
    this.sweeper.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sweeper.stop();
  }

  /** Deletes what the retention allows now; returns how many runs. */
  sweep(): Promise<number> {
    return this.sweeper.sweep();
  }

  private async deleteBatch(): Promise<number> {
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
