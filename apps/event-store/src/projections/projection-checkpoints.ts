import { Injectable } from '@nestjs/common';
import type { Queryable } from '@tributary/database';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { EventEntity } from '../log/event.entity.js';
import type { LogCursor } from '../log/stored-event.js';
import { ProjectionCheckpointEntity } from './projection-checkpoint.entity.js';
import type { RegisteredProjection } from './projection-registry.js';

export interface Checkpoint extends LogCursor {
  /** The projection version the live tables were built by (0: never built). */
  readonly version: number;
  readonly updatedAt: Date;
}

const toCheckpoint = (row: ProjectionCheckpointEntity): Checkpoint => ({
  version: row.version,
  transactionId: row.transactionId,
  position: row.position,
  updatedAt: row.updatedAt,
});

/** `event_store.projection_checkpoints`: how far each projection's live tables are in the log, and by which version. */
@Injectable()
export class ProjectionCheckpoints {
  /**
   * The projection's checkpoint, created on first start: at the current version when the log has
   * none of its events yet (it simply follows the log), else at version 0 — its tables must first be
   * built from the log, out of readers' sight.
   */
  async ensure(q: EntityManager | DataSource, projection: RegisteredProjection): Promise<Checkpoint> {
    const existing = await this.read(q, projection.name);
    if (existing) return existing;
    const any = await q.getRepository(EventEntity).existsBy({ type: In([...projection.types]) });
    // Replicas starting together: the first insert wins, the others keep it.
    await q
      .createQueryBuilder()
      .insert()
      .into(ProjectionCheckpointEntity)
      .values({ name: projection.name, version: any ? 0 : projection.version })
      .orIgnore()
      .execute();
    return (await this.read(q, projection.name))!;
  }

  async read(q: EntityManager | DataSource, name: string): Promise<Checkpoint | undefined> {
    const row = await q.getRepository(ProjectionCheckpointEntity).findOneBy({ name });
    return row ? toCheckpoint(row) : undefined;
  }

  /** Locks the checkpoint until the transaction ends: one batch of a projection at a time, across replicas. */
  async lock(manager: EntityManager, name: string): Promise<Checkpoint | undefined> {
    const row = await manager
      .getRepository(ProjectionCheckpointEntity)
      .createQueryBuilder('c')
      .where('c.name = :name', { name })
      .setLock('pessimistic_write')
      .getOne();
    return row ? toCheckpoint(row) : undefined;
  }

  async advance(manager: EntityManager, name: string, to: LogCursor, version?: number): Promise<void> {
    await manager
      .getRepository(ProjectionCheckpointEntity)
      .update({ name }, { transactionId: to.transactionId, position: to.position, ...(version === undefined ? {} : { version }), updatedAt: () => 'now()' });
  }

  /**
   * Which of the named projections have committed events after their checkpoint (of any type: the
   * checkpoint also moves over events a projection does not read). One index probe per projection.
   */
  async behind(q: Queryable, names: readonly string[]): Promise<string[]> {
    // SQL: xid8 row comparisons against the snapshot's horizon (pg_snapshot_xmin), no ORM form.
    const rows = await q.query<{ name: string }>(
      `SELECT c.name FROM event_store.projection_checkpoints c
        WHERE c.name = ANY($1::text[])
          AND EXISTS (SELECT 1 FROM event_store.events e
                       WHERE (e.transaction_id, e.position) > (c.transaction_id, c.position)
                         AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot()))`,
      [names],
    );
    return rows.map((r) => r.name);
  }

  /** Events the projection reads that are in the log after `after` (committed or not). */
  async remaining(q: Queryable, projection: RegisteredProjection, after: LogCursor): Promise<number> {
    // SQL: an xid8 row comparison (commit order), no ORM form.
    const [{ n }] = await q.query<{ n: string }>(
      `SELECT count(*) AS n FROM event_store.events WHERE (transaction_id, position) > ($1::xid8, $2::bigint) AND type = ANY($3::text[])`,
      [after.transactionId, after.position, projection.types],
    );
    return Number(n);
  }
}
