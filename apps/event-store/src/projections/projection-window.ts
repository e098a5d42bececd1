import { endSpan, openSpan, spansEnabled, withSpan, activeTraceparent, traceIdOf } from '@tributary/messaging';
import type { EntityManager } from 'typeorm';
import { toStoredEvent, type EventRow, type LogCursor, type StoredEvent } from '../log/stored-event.js';
import { ProjectedEvents, ProjectionContext, type ProjectedEvent } from './projection.js';
import type { RegisteredProjection } from './projection-registry.js';

export interface AppliedWindow {
  /** Events read, handled or not (0: nothing new below the horizon). */
  readonly size: number;
  /** Events handed to the projection. */
  readonly handled: number;
  /** Where the checkpoint moves to. */
  readonly last?: LogCursor;
  /** The events handed to the projection (ProjectionMetrics times them). */
  readonly events?: readonly StoredEvent[];
}

/**
 * Reads the next `limit` events after `after` in commit order, up to the oldest transaction still
 * running (so nothing committed late is ever skipped), and applies those the projection reads:
 * each run of consecutive events of one topic goes to that topic's handler, awaited, in order —
 * so the handlers see the log's order across topics too. Events of other types are read without
 * their data: they only move the checkpoint.
 */
export async function applyNextWindow(
  manager: EntityManager,
  projection: RegisteredProjection,
  after: LogCursor,
  limit: number,
  target: 'live' | 'shadow',
): Promise<AppliedWindow> {
  // SQL: the hot path of projections — xid8 row comparisons against the snapshot's horizon, data only of the types read.
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
    const tables = new Map(projection.tables.map((t) => [t.entity, target === 'live' ? t.name : t.shadowName]));
    const context = new ProjectionContext(manager, tables, target === 'shadow');
    for (const run of runsOfOneType(events)) {
      const apply = () => projection.handlers.get(run[0].type)!.handle(new ProjectedEvents(run as ProjectedEvent<object>[], context));
      if (target === 'live' && spansEnabled()) await traced(manager, projection.name, run, apply);
      else await apply();
    }
  }
  const last = rows[rows.length - 1];
  return { size: rows.length, handled: events.length, last: { transactionId: last.transaction_id, position: last.position }, events };
}

/**
 * Tracing on: a run of events applied in a span continuing the first event's trace (the others
 * linked), and that span named in the transaction's `tributary.traceparent` setting, which the
 * change-sink's capture trigger stores with each row change it records — so the push continues it
 * (when the run's events are all of one trace: the setting is the transaction's, for every row).
 */
async function traced(manager: EntityManager, name: string, run: readonly StoredEvent[], apply: () => Promise<void>): Promise<void> {
  const traceparents = run.map((event) => event.metadata.traceparent).filter((t): t is string => typeof t === 'string');
  const span = openSpan(`project ${name}`, {
    parent: traceparents[0] ?? null,
    links: [...new Set(traceparents.slice(1))],
    attributes: { 'tributary.projection': name, 'tributary.event_type': run[0].type, 'tributary.event_count': run.length },
  });
  try {
    await withSpan(span, async () => {
      // SQL: a transaction-local setting (no ORM form); the capture trigger reads it. A run of events
      // of several traces leaves it empty: the rows of one event never go into another event's trace.
      await manager.query(`SELECT set_config('tributary.traceparent', $1, true)`, [(oneTrace(run, traceparents) && activeTraceparent()) || '']);
      await apply();
    });
    endSpan(span);
  } catch (error) {
    endSpan(span, error);
    throw error;
  }
}

/** Whether every event of the run carries a traceparent of one trace (or none does: the span starts a trace). */
function oneTrace(run: readonly StoredEvent[], traceparents: readonly string[]): boolean {
  if (traceparents.length === 0) return true;
  if (traceparents.length !== run.length) return false;
  return new Set(traceparents.map((traceparent) => traceIdOf(traceparent.toLowerCase()))).size === 1;
}

/** The events split where their type changes: [a, a, b, a] → [[a, a], [b], [a]]. */
export function runsOfOneType(events: readonly StoredEvent[]): StoredEvent[][] {
  const runs: StoredEvent[][] = [];
  for (const event of events) {
    const last = runs[runs.length - 1];
    if (last && last[0].type === event.type) last.push(event);
    else runs.push([event]);
  }
  return runs;
}
