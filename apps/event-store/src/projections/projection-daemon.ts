import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { EventStoreConfig } from '../event-store.config.js';
import { EventAppended } from '../log/append-event/event-appended.event.js';
import { ProjectionCheckpoints } from './projection-checkpoints.js';
import { ProjectionRegistry, type RegisteredProjection } from './projection-registry.js';
import { applyNextWindow } from './projection-window.js';
import { ProjectionRebuilds } from './rebuild/projection-rebuilds.js';

/**
 * Keeps every projection's live tables caught up with the log. Each batch runs in one transaction
 * that locks the projection's checkpoint row, applies the events and moves the checkpoint — so
 * replicas never apply the same batch concurrently and a crash loses or repeats nothing. Events are
 * read in commit order up to the oldest transaction still running (see `applyNextWindow`). Appends
 * in this process trigger a run at once (EventAppended on the EventBus); a timer covers appends by
 * other replicas. A projection whose live tables were built by another version is left as it is
 * until its rebuild swaps the new tables in.
 */
@Injectable()
export class ProjectionDaemon implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ProjectionDaemon.name);
  private running?: Promise<void>;
  private again = false;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: ProjectionRegistry,
    private readonly checkpoints: ProjectionCheckpoints,
    private readonly rebuilds: ProjectionRebuilds,
    private readonly config: EventStoreConfig,
  ) {
    rebuilds.onSwapped(() => this.trigger());
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const projection of this.registry.all) {
      const checkpoint = await this.checkpoints.ensure(this.dataSource, projection);
      if (checkpoint.version !== projection.version) {
        await this.rebuilds.request(projection.name, checkpoint.version === 0 ? 'new-projection' : 'version-change');
      }
    }
    this.rebuilds.resumeAll();
    await this.catchUpAll();
    this.timer = setInterval(() => this.trigger(), this.config.PROJECTION_POLL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Runs a catch-up now, or once more right after the one in progress. */
  trigger(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.catchUpAll()
      .catch((error) => this.logger.error({ err: error }, 'projection catch-up failed; will retry'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.trigger();
        }
      });
  }

  async catchUpAll(): Promise<void> {
    const batch = this.config.PROJECTION_BATCH_SIZE;
    for (const projection of this.registry.all) {
      while (!this.stopped && (await this.catchUpBatch(projection, batch)) === batch);
    }
  }

  private catchUpBatch(projection: RegisteredProjection, batch: number): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const checkpoint = await this.checkpoints.lock(manager, projection.name);
      if (!checkpoint || checkpoint.version !== projection.version) return 0;
      const window = await applyNextWindow(manager, projection, checkpoint, batch, 'live');
      if (window.last) await this.checkpoints.advance(manager, projection.name, window.last);
      return window.size;
    });
  }
}

@EventsHandler(EventAppended)
export class ProjectOnAppend implements IEventHandler<EventAppended> {
  constructor(private readonly daemon: ProjectionDaemon) {}

  handle(): void {
    this.daemon.trigger();
  }
}
