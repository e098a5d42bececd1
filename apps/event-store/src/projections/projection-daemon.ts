import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { DataSource, type EntityManager } from 'typeorm';
import { EventStoreConfig } from '../event-store.config.js';
import { EventAppended } from '../log/append-event/event-appended.event.js';
import { EVENT_COLUMNS, toStoredEvent, type EventRow } from '../log/stored-event.js';
import { PROJECTIONS, type Projection } from './projection.js';

const BATCH = 500;

/**
 * Keeps every projection caught up with the log. Each batch runs in one transaction that locks the
 * projection's checkpoint row, applies the events and moves the checkpoint — so replicas never
 * apply the same batch concurrently and a crash loses or repeats nothing. Events are read in
 * (transaction id, position) order up to the oldest transaction still running: every event before
 * that point is committed or gone for good, so one committed late is never skipped. Appends in this process trigger a run at
 * once (EventAppended on the EventBus); a timer covers appends by other replicas.
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
    @Inject(PROJECTIONS) private readonly projections: Projection[],
    private readonly config: EventStoreConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
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
    for (const projection of this.projections) {
      while (!this.stopped && (await this.catchUpBatch(projection)) === BATCH);
    }
  }

  private catchUpBatch(projection: Projection): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const checkpoint = await this.lockCheckpoint(manager, projection);
      const rows = await manager.query<(EventRow & { transaction_id: string })[]>(
        `SELECT ${EVENT_COLUMNS}, transaction_id FROM event_store.events
          WHERE (transaction_id, position) > ($1::xid8, $2::bigint)
            AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          ORDER BY transaction_id, position LIMIT $3`,
        [checkpoint.transactionId, checkpoint.position, BATCH],
      );
      if (rows.length === 0) return 0;
      for (const row of rows) {
        if (projection.handles.includes(row.type)) await projection.apply(manager, toStoredEvent(row));
      }
      const last = rows[rows.length - 1];
      await manager.query(
        `UPDATE event_store.projection_checkpoints SET transaction_id = $2, position = $3, updated_at = now() WHERE name = $1`,
        [projection.name, last.transaction_id, last.position],
      );
      return rows.length;
    });
  }

  private async lockCheckpoint(
    manager: EntityManager,
    projection: Projection,
  ): Promise<{ transactionId: string; position: string }> {
    await manager.query(
      `INSERT INTO event_store.projection_checkpoints (name, version) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
      [projection.name, projection.version],
    );
    const [row] = await manager.query<{ transaction_id: string; position: string }[]>(
      `SELECT transaction_id, position FROM event_store.projection_checkpoints WHERE name = $1 FOR UPDATE`,
      [projection.name],
    );
    return { transactionId: row.transaction_id, position: row.position };
  }
}

@EventsHandler(EventAppended)
export class ProjectOnAppend implements IEventHandler<EventAppended> {
  constructor(private readonly daemon: ProjectionDaemon) {}

  handle(): void {
    this.daemon.trigger();
  }
}
