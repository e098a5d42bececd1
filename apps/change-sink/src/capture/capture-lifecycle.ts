import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ChangeSinkConfig } from '../change-sink.config.js';
import { ChangeSource } from '../sources/change-source.js';

const PRUNE_EVERY_MS = 60_000;

/**
 * Starts the operator database's capture at boot (a configuration naming an unknown table or column
 * fails the start) and stops it at shutdown; prunes changes older than CHANGE_RETENTION_SECONDS.
 */
@Injectable()
export class CaptureLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CaptureLifecycle.name);
  private pruner?: NodeJS.Timeout;

  constructor(
    @Inject(ChangeSource) private readonly source: ChangeSource,
    private readonly dataSource: DataSource,
    private readonly config: ChangeSinkConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.source.start();
    // prune() handles its own failures; the catch is for what it did not foresee.
    this.pruner = setInterval(() => {
      this.prune().catch((error: unknown) => this.logger.warn({ err: error }, 'pruning old changes failed'));
    }, PRUNE_EVERY_MS);
    this.pruner.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.pruner);
    await this.source.stop();
  }

  /** Deletes changes older than the retention window and remembers the newest one deleted. */
  async prune(): Promise<void> {
    try {
      // SQL: one statement — a data-modifying CTE (DELETE … RETURNING) feeding an upsert with a newer-wins
      // condition (no ORM form).
      await this.dataSource.query(
        `WITH gone AS (
           DELETE FROM change_sink.changes WHERE changed_at < now() - make_interval(secs => $1) RETURNING transaction_id, id
         ), newest AS (
           SELECT transaction_id, id FROM gone ORDER BY transaction_id DESC, id DESC LIMIT 1
         ), saved AS (
           INSERT INTO change_sink.pruned (transaction_id, id) SELECT transaction_id, id FROM newest
           ON CONFLICT (only_row) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, id = EXCLUDED.id, pruned_at = now()
           WHERE (EXCLUDED.transaction_id, EXCLUDED.id) > (change_sink.pruned.transaction_id, change_sink.pruned.id)
           RETURNING 1
         )
         SELECT count(*) AS n FROM saved`,
        [this.config.CHANGE_RETENTION_SECONDS],
      );
    } catch (error) {
      this.logger.warn({ err: error }, 'pruning old changes failed');
    }
  }
}
