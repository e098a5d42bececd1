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
    this.pruner = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.pruner.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.pruner);
    await this.source.stop();
  }

  private async prune(): Promise<void> {
    try {
      await this.dataSource.query(`DELETE FROM change_sink.changes WHERE changed_at < now() - make_interval(secs => $1)`, [
        this.config.CHANGE_RETENTION_SECONDS,
      ]);
    } catch (error) {
      this.logger.warn({ err: error }, 'pruning old changes failed');
    }
  }
}
