import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { outsideSpans } from '@tributary/messaging';
import { DataSource } from 'typeorm';
import { EventStoreConfig } from '../event-store.config.js';
import { EventAppended } from '../log/append-event/event-appended.event.js';
import { ProjectionCheckpoints } from './projection-checkpoints.js';
import { ProjectionRegistry, type RegisteredProjection } from './projection-registry.js';
import { ProjectionMetrics } from './projection-metrics.js';
import { applyNextWindow } from './projection-window.js';
import { ProjectionRebuilds } from './rebuild/projection-rebuilds.js';

/**
 * Keeps every projection's live tables caught up with the log. Each batch runs in one transaction
 * that locks the projection's checkpoint row, applies the events and moves the checkpoint — so
 * replicas never apply the same batch concurrently and a crash loses or repeats nothing. Events are
 * read in commit order up to the oldest transaction still running (see `applyNextWindow`).
 *
 * Only projections with something to do run: an append in this process (EventAppended on the
 * EventBus) runs the projections that read its type, at once; a timer covers appends by other
 * replicas and events no projection reads, with one query that finds the projections whose
 * checkpoint is behind the log — so an idle log, or an append a projection does not read, costs no
 * checkpoint transaction. A projection whose live tables were built by another version is left as it
 * is until its rebuild swaps the new tables in.
 */
@Injectable()
export class ProjectionDaemon implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ProjectionDaemon.name);
  private running?: Promise<void>;
  /** The projections to catch up at the next run. */
  private readonly due = new Set<RegisteredProjection>();
  /** The current wait of the projections whose events are held back (see `retryHeldBack`). */
  private readonly heldBackMs = new Map<RegisteredProjection, number>();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: ProjectionRegistry,
    private readonly checkpoints: ProjectionCheckpoints,
    private readonly rebuilds: ProjectionRebuilds,
    private readonly config: EventStoreConfig,
    private readonly metrics: ProjectionMetrics,
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
    // pollBehind logs its own failures; the catch is for the unexpected.
    this.timer = setInterval(() => {
      this.pollBehind().catch((error: unknown) => this.logger.error({ err: error }, 'projection poll failed'));
    }, this.config.PROJECTION_POLL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /**
   * Catches up the projections that read one of `types` (every projection without `types`) now, or
   * right after the run in progress.
   */
  trigger(types?: readonly string[]): void {
    if (this.stopped) return;
    for (const projection of this.registry.all) {
      if (!types || projection.types.some((type) => types.includes(type))) this.due.add(projection);
    }
    if (this.due.size === 0 || this.running) return;
    // Outside the span of the message whose append triggered it (tracing on): the run serves others too.
    this.running = outsideSpans(() =>
      this.catchUpDue()
        .catch((error) => this.logger.error({ err: error }, 'projection catch-up failed; will retry'))
        .finally(() => {
          this.running = undefined;
          if (this.due.size > 0) this.trigger([]);
        }),
    );
  }

  async catchUpAll(): Promise<void> {
    for (const projection of this.registry.all) await this.catchUp(projection);
  }

  private async catchUpDue(): Promise<void> {
    while (!this.stopped && this.due.size > 0) {
      const [projection] = this.due;
      this.due.delete(projection);
      await this.catchUp(projection);
    }
  }

  private async catchUp(projection: RegisteredProjection): Promise<void> {
    const batch = this.config.PROJECTION_BATCH_SIZE;
    for (;;) {
      if (this.stopped) return;
      const { size, heldBack } = await this.catchUpBatch(projection, batch);
      if (heldBack) return this.retryHeldBack(projection);
      this.heldBackMs.delete(projection);
      if (size < batch) return;
    }
  }

  /**
   * Events committed but not yet readable (an older transaction still runs — anywhere on the server:
   * transaction ids are server-wide) are looked for again soon, backing off up to the poll interval,
   * rather than left to the timer.
   */
  private retryHeldBack(projection: RegisteredProjection): void {
    const delay = Math.min(Math.max(2, (this.heldBackMs.get(projection) ?? 1) * 2), this.config.PROJECTION_POLL_MS);
    this.heldBackMs.set(projection, delay);
    setTimeout(() => this.trigger(projection.types), delay).unref();
  }

  /** The timer: one query for the projections whose checkpoint is behind the committed log, which are then caught up. */
  private async pollBehind(): Promise<void> {
    if (this.stopped || this.running) return;
    try {
      const behind = await this.checkpoints.behind(this.dataSource, this.registry.all.map((p) => p.name));
      const names = new Set(behind);
      for (const projection of this.registry.all) if (names.has(projection.name)) this.due.add(projection);
      if (this.due.size > 0) this.trigger([]);
    } catch (error) {
      this.logger.warn({ err: error }, 'looking for projections behind the log failed; will retry');
    }
  }

  /** One batch in one transaction; `heldBack` when nothing could be read though events are committed after the checkpoint. */
  private async catchUpBatch(projection: RegisteredProjection, batch: number): Promise<{ size: number; heldBack: boolean }> {
    const { size, heldBack, events } = await this.dataSource.transaction(async (manager) => {
      const checkpoint = await this.checkpoints.lock(manager, projection.name);
      if (!checkpoint || checkpoint.version !== projection.version) return { size: 0, heldBack: false, events: [] };
      const window = await applyNextWindow(manager, projection, checkpoint, batch, 'live');
      if (window.last) await this.checkpoints.advance(manager, projection.name, window.last);
      const heldBack = window.size === 0 && (await this.checkpoints.remaining(manager, projection, checkpoint)) > 0;
      return { size: window.size, heldBack, events: window.events ?? [] };
    });
    // Committed: the events are in the live tables now.
    this.metrics.projected(projection.name, events);
    return { size, heldBack };
  }
}

@EventsHandler(EventAppended)
export class ProjectOnAppend implements IEventHandler<EventAppended> {
  constructor(private readonly daemon: ProjectionDaemon) {}

  handle({ event }: EventAppended): void {
    this.daemon.trigger([event.type]);
  }
}
