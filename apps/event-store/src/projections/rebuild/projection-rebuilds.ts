import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { TributaryError } from '@tributary/domain';
import { DataSource, type EntityManager, type QueryDeepPartialEntity } from 'typeorm';
import { EventStoreConfig } from '../../event-store.config.js';
import type { LogCursor } from '../../log/stored-event.js';
import { ProjectionCheckpoints } from '../projection-checkpoints.js';
import { ProjectionRegistry, type RegisteredProjection } from '../projection-registry.js';
import { applyNextWindow } from '../projection-window.js';
import { ProjectionRebuildEntity } from './projection-rebuild.entity.js';
import { createShadow, dropShadow, mergeShadowIntoLive } from './shadow-tables.js';

export type RebuildReason = 'requested' | 'version-change' | 'new-projection';
export type RebuildStatus = 'building' | 'done' | 'failed';

export interface RebuildState {
  readonly name: string;
  readonly targetVersion: number;
  readonly status: RebuildStatus;
  readonly reason: RebuildReason;
  /** Events of the projection's types applied to the shadow tables so far. */
  readonly processed: number;
  readonly cursor: LogCursor;
  readonly startedAt: Date;
  readonly updatedAt: Date;
  readonly finishedAt: Date | null;
  readonly error: string | null;
}

interface RebuildRow {
  name: string;
  target_version: number;
  status: RebuildStatus;
  reason: RebuildReason;
  transaction_id: string;
  position: string;
  processed: string;
  started_at: Date;
  updated_at: Date;
  finished_at: Date | null;
  error: string | null;
}

const REBUILD_COLUMNS = 'name, target_version, status, reason, transaction_id, position, processed, started_at, updated_at, finished_at, error';

/** A rebuild's state from its entity, or from a raw row of the statements that keep their SQL. */
const toState = (row: ProjectionRebuildEntity | RebuildRow): RebuildState =>
  row instanceof ProjectionRebuildEntity
    ? {
        name: row.name,
        targetVersion: row.targetVersion,
        status: row.status as RebuildStatus,
        reason: row.reason as RebuildReason,
        processed: Number(row.processed),
        cursor: { transactionId: row.transactionId, position: row.position },
        startedAt: row.startedAt,
        updatedAt: row.updatedAt,
        finishedAt: row.finishedAt,
        error: row.error,
      }
    : {
        name: row.name,
        targetVersion: row.target_version,
        status: row.status,
        reason: row.reason,
        processed: Number(row.processed),
        cursor: { transactionId: row.transaction_id, position: row.position },
        startedAt: row.started_at,
        updatedAt: row.updated_at,
        finishedAt: row.finished_at,
        error: row.error,
      };

/** The rebuild's row, locked until the transaction ends (`skipLocked`: or nothing while another replica holds it). */
const lockRebuild = (manager: EntityManager, name: string, skipLocked = false): Promise<ProjectionRebuildEntity | null> => {
  const query = manager.getRepository(ProjectionRebuildEntity).createQueryBuilder('r').where('r.name = :name', { name }).setLock('pessimistic_write');
  return (skipLocked ? query.setOnLocked('skip_locked') : query).getOne();
};

/** Failures in a row (database gone, a handler throwing) before a rebuild is marked failed. */
const MAX_FAILURES = 5;

/**
 * Rebuilds a projection from the log without readers ever seeing a half-built one: the events are
 * applied, in commit order, to shadow tables (`<table>__rebuild`) while the live tables keep
 * serving; each batch moves the rebuild's own checkpoint in the same transaction, so a rebuild
 * interrupted by a crash, a deploy or a replica change resumes where it stopped. Once the shadow is
 * caught up, one transaction applies the last events, makes the live tables equal to the shadows
 * and moves the live checkpoint there (see `mergeShadowIntoLive`). Any replica may run a batch; the
 * rebuild's row lock makes them take turns.
 */
@Injectable()
export class ProjectionRebuilds implements OnApplicationShutdown {
  private readonly logger = new Logger(ProjectionRebuilds.name);
  private readonly loops = new Map<string, Promise<void>>();
  private readonly swappedListeners: Array<() => void> = [];
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: ProjectionRegistry,
    private readonly checkpoints: ProjectionCheckpoints,
    private readonly config: EventStoreConfig,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops.values());
  }

  /** Called after each swap (the live daemon continues from the new checkpoint). */
  onSwapped(listener: () => void): void {
    this.swappedListeners.push(listener);
  }

  /**
   * Starts a rebuild of `name` at the projection's current version, or continues the one that is
   * building (or failed) at that version — unless `restart`, which starts over from the log's start.
   */
  async request(name: string, reason: RebuildReason, options: { restart?: boolean } = {}): Promise<RebuildState> {
    const projection = this.require(name);
    const state = await this.dataSource.transaction(async (manager) => {
      const row = await lockRebuild(manager, name);
      const resumable = row && row.status !== 'done' && row.targetVersion === projection.version && !options.restart;
      if (resumable && row.status === 'building') return toState(row);
      if (resumable) return this.update(manager, name, { status: 'building', error: null });
      for (const table of projection.tables) await createShadow(manager, table);
      // SQL: an upsert that resets the progress columns to constants (TypeORM's orUpdate only copies EXCLUDED values).
      const [fresh] = await manager.query<RebuildRow[]>(
        `INSERT INTO event_store.projection_rebuilds AS r (name, target_version, status, reason) VALUES ($1, $2, 'building', $3)
         ON CONFLICT (name) DO UPDATE SET target_version = EXCLUDED.target_version, status = 'building', reason = EXCLUDED.reason,
           transaction_id = '0', position = 0, processed = 0, started_at = now(), updated_at = now(), finished_at = NULL, error = NULL
         RETURNING ${REBUILD_COLUMNS}`,
        [name, projection.version, reason],
      );
      return toState(fresh);
    });
    this.logger.log({ projection: name, version: projection.version, reason }, 'projection rebuild requested');
    this.start(projection);
    return state;
  }

  /** Continues every rebuild left building (after a restart); one at another version starts over. */
  resumeAll(): void {
    void this.dataSource
      .getRepository(ProjectionRebuildEntity)
      .findBy({ status: 'building' })
      .then(async (rows) => {
        for (const row of rows) {
          const projection = this.registry.find(row.name);
          if (!projection) continue;
          if (row.targetVersion === projection.version) this.start(projection);
          else await this.request(row.name, row.reason as RebuildReason, { restart: true });
        }
      })
      .catch((error) => this.logger.error({ err: error }, 'could not resume projection rebuilds'));
  }

  async state(q: EntityManager | DataSource, name: string): Promise<RebuildState | undefined> {
    const row = await q.getRepository(ProjectionRebuildEntity).findOneBy({ name });
    return row ? toState(row) : undefined;
  }

  /** Resolves once no batch of this process is running for `name` (tests and shutdown). */
  async idle(name: string): Promise<void> {
    await this.loops.get(name);
  }

  private require(name: string): RegisteredProjection {
    const projection = this.registry.find(name);
    if (!projection) throw new TributaryError('not_found', 'projection_not_found', `No projection is named "${name}"`);
    return projection;
  }

  private start(projection: RegisteredProjection): void {
    if (this.stopped || this.loops.has(projection.name)) return;
    const loop = this.run(projection).finally(() => this.loops.delete(projection.name));
    this.loops.set(projection.name, loop);
  }

  private async run(projection: RegisteredProjection): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        const step = await this.step(projection);
        failures = 0;
        if (step === 'gone') return;
        if (step === 'busy') await sleep(this.config.PROJECTION_POLL_MS);
        if (step === 'caught-up' && (await this.swap(projection))) return;
      } catch (error) {
        failures += 1;
        this.logger.error({ err: error, projection: projection.name, failures }, 'projection rebuild batch failed');
        if (failures >= MAX_FAILURES) {
          await this.fail(projection.name, error).catch((e) => this.logger.error({ err: e }, 'could not record the failed rebuild'));
          return;
        }
        await sleep(Math.min(10_000, 250 * 2 ** failures));
      }
    }
  }

  /** One batch into the shadow tables, unless another replica is running one ('busy'). */
  private step(projection: RegisteredProjection): Promise<'more' | 'caught-up' | 'busy' | 'gone'> {
    return this.dataSource.transaction(async (manager) => {
      const row = await lockRebuild(manager, projection.name, true);
      if (!row) return (await this.state(manager, projection.name))?.status === 'building' ? 'busy' : 'gone';
      if (row.status !== 'building' || row.targetVersion !== projection.version) return 'gone';
      const batch = this.config.REBUILD_BATCH_SIZE;
      const window = await applyNextWindow(manager, projection, toState(row).cursor, batch, 'shadow');
      if (window.last) await this.moveCursor(manager, projection.name, window.last, window.handled);
      return window.size < batch ? 'caught-up' : 'more';
    });
  }

  /** The last events, then the shadows into the live tables and the live checkpoint to the rebuild's. */
  private async swap(projection: RegisteredProjection): Promise<boolean> {
    const swapped = await this.dataSource.transaction(async (manager) => {
      await this.checkpoints.lock(manager, projection.name);
      const row = await lockRebuild(manager, projection.name);
      if (!row || row.status !== 'building' || row.targetVersion !== projection.version) return false;
      let cursor = toState(row).cursor;
      const batch = this.config.REBUILD_BATCH_SIZE;
      for (;;) {
        const window = await applyNextWindow(manager, projection, cursor, batch, 'shadow');
        if (window.last) {
          cursor = window.last;
          await this.moveCursor(manager, projection.name, cursor, window.handled);
        }
        if (window.size < batch) break;
      }
      const merged = [];
      for (const table of projection.tables) merged.push({ table: table.name, ...(await mergeShadowIntoLive(manager, table)) });
      await this.checkpoints.advance(manager, projection.name, cursor, projection.version);
      for (const table of projection.tables) await dropShadow(manager, table);
      await this.update(manager, projection.name, { status: 'done', finishedAt: () => 'now()' });
      this.logger.log({ projection: projection.name, version: projection.version, merged }, 'projection rebuilt and swapped in');
      return true;
    });
    if (swapped) this.swappedListeners.forEach((listener) => listener());
    return swapped;
  }

  private async moveCursor(manager: EntityManager, name: string, to: LogCursor, handled: number): Promise<void> {
    await manager
      .createQueryBuilder()
      .update(ProjectionRebuildEntity)
      .set({ transactionId: to.transactionId, position: to.position, processed: () => 'processed + :handled', updatedAt: () => 'now()' })
      .where('name = :name', { name, handled })
      .execute();
  }

  /** Sets `patch` on the rebuild's row and returns its new state (one statement). */
  private async update(manager: EntityManager, name: string, patch: QueryDeepPartialEntity<ProjectionRebuildEntity>): Promise<RebuildState> {
    const result = await manager
      .createQueryBuilder()
      .update(ProjectionRebuildEntity)
      .set({ ...patch, updatedAt: () => 'now()' })
      .where('name = :name', { name })
      .returning(REBUILD_COLUMNS)
      .execute();
    return toState((result.raw as RebuildRow[])[0]);
  }

  private async fail(name: string, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    await this.dataSource
      .getRepository(ProjectionRebuildEntity)
      .update({ name, status: 'building' }, { status: 'failed', error: message.slice(0, 2000), updatedAt: () => 'now()' });
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
