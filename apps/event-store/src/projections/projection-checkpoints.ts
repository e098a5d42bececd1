import { Injectable } from '@nestjs/common';
import type { Queryable } from '@tributary/database';
import type { LogCursor } from '../log/stored-event.js';
import type { RegisteredProjection } from './projection-registry.js';

export interface Checkpoint extends LogCursor {
  /** The projection version the live tables were built by (0: never built). */
  readonly version: number;
  readonly updatedAt: Date;
}

interface CheckpointRow {
  version: number;
  transaction_id: string;
  position: string;
  updated_at: Date;
}

const toCheckpoint = (row: CheckpointRow): Checkpoint => ({
  version: row.version,
  transactionId: row.transaction_id,
  position: row.position,
  updatedAt: row.updated_at,
});

/** `event_store.projection_checkpoints`: how far each projection's live tables are in the log, and by which version. */
@Injectable()
export class ProjectionCheckpoints {
  /**
   * The projection's checkpoint, created on first start: at the current version when the log has
   * none of its events yet (it simply follows the log), else at version 0 — its tables must first be
   * built from the log, out of readers' sight.
   */
  async ensure(q: Queryable, projection: RegisteredProjection): Promise<Checkpoint> {
    const existing = await this.read(q, projection.name);
    if (existing) return existing;
    const [{ any }] = await q.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM event_store.events WHERE type = ANY($1::text[])) AS any`, [
      projection.types,
    ]);
    await q.query(`INSERT INTO event_store.projection_checkpoints (name, version) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [
      projection.name,
      any ? 0 : projection.version,
    ]);
    return (await this.read(q, projection.name))!;
  }

  async read(q: Queryable, name: string): Promise<Checkpoint | undefined> {
    const [row] = await q.query<CheckpointRow>(
      `SELECT version, transaction_id, position, updated_at FROM event_store.projection_checkpoints WHERE name = $1`,
      [name],
    );
    return row && toCheckpoint(row);
  }

  /** Locks the checkpoint until the transaction ends: one batch of a projection at a time, across replicas. */
  async lock(q: Queryable, name: string): Promise<Checkpoint | undefined> {
    const [row] = await q.query<CheckpointRow>(
      `SELECT version, transaction_id, position, updated_at FROM event_store.projection_checkpoints WHERE name = $1 FOR UPDATE`,
      [name],
    );
    return row && toCheckpoint(row);
  }

  async advance(q: Queryable, name: string, to: LogCursor, version?: number): Promise<void> {
    await q.query(
      `UPDATE event_store.projection_checkpoints
          SET transaction_id = $2, position = $3, version = coalesce($4, version), updated_at = now()
        WHERE name = $1`,
      [name, to.transactionId, to.position, version ?? null],
    );
  }

  /**
   * Which of the named projections have committed events after their checkpoint (of any type: the
   * checkpoint also moves over events a projection does not read). One index probe per projection.
   */
  async behind(q: Queryable, names: readonly string[]): Promise<string[]> {
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
    const [{ n }] = await q.query<{ n: string }>(
      `SELECT count(*) AS n FROM event_store.events WHERE (transaction_id, position) > ($1::xid8, $2::bigint) AND type = ANY($3::text[])`,
      [after.transactionId, after.position, projection.types],
    );
    return Number(n);
  }
}
