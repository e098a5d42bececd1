import type { EntityManager } from 'typeorm';
import { toStoredEvent, type EventRow, type LogCursor, type StoredEvent } from '../log/stored-event.js';
import { ProjectionContext } from './projection.js';
import type { RegisteredProjection } from './projection-registry.js';

export interface AppliedWindow {
  /** Events read, handled or not (0: nothing new below the horizon). */
  readonly size: number;
  /** Events handed to the projection. */
  readonly handled: number;
  /** Where the checkpoint moves to. */
  readonly last?: LogCursor;
}

/**
 * Reads the next `limit` events after `after` in commit order, up to the oldest transaction still
 * running (so nothing committed late is ever skipped), and applies those the projection reads.
 * Events of other types are read without their data: they only move the checkpoint.
 */
export async function applyNextWindow(
  manager: EntityManager,
  projection: RegisteredProjection,
  after: LogCursor,
  limit: number,
  target: 'live' | 'shadow',
): Promise<AppliedWindow> {
  const rows = await manager.query<(EventRow & { handled: boolean })[]>(
    `SELECT position, event_id, tenant_id, stream_id, stream_version, type, topic_version, occurred_at, recorded_at, transaction_id,
            type = ANY($4::text[]) AS handled,
            CASE WHEN type = ANY($4::text[]) THEN data END AS data,
            CASE WHEN type = ANY($4::text[]) THEN metadata END AS metadata
       FROM event_store.events
      WHERE (transaction_id, position) > ($1::xid8, $2::bigint)
        AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY transaction_id, position LIMIT $3`,
    [after.transactionId, after.position, limit, projection.types],
  );
  if (rows.length === 0) return { size: 0, handled: 0 };
  const events: StoredEvent[] = rows.filter((r) => r.handled).map(toStoredEvent);
  if (events.length > 0) {
    const tables = new Map(projection.tables.map((t) => [t.entity, target === 'live' ? t.live : t.shadow]));
    await projection.handler.handle(events, new ProjectionContext(manager, tables, target === 'shadow'));
  }
  const last = rows[rows.length - 1];
  return { size: rows.length, handled: events.length, last: { transactionId: last.transaction_id, position: last.position } };
}
