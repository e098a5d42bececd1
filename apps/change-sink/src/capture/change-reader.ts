import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ANY_COMMIT, commitSignal } from '@tributary/database';
import { endSpan, openSpan, SpanKind, Wakeup, withSpan } from '@tributary/messaging';
import { Metrics } from '@tributary/observability';
import { TributaryError } from '@tributary/domain';
import { TenantContext, withTenant } from '@tributary/tenancy';
import pg from 'pg';
import { Histogram, type Gauge } from 'prom-client';
import { Observable } from 'rxjs';
import { DataSource, type EntityManager } from 'typeorm';
import { ChangeSinkConfig } from '../change-sink.config.js';
import { ChangeAudience } from './change-audience.js';
import { PrunedEntity } from './pruned.entity.js';
import {
  committedBefore,
  formatCursor,
  isAfter,
  parseSnapshot,
  type CapturedChange,
  type ChangePosition,
  type Snapshot,
} from './captured-change.js';

const REPLAY_PAGE = 1_000;
const READ_BATCH = 500;

interface ChangeRow {
  id: string;
  transaction_id: string;
  table_schema: string;
  table_name: string;
  op: CapturedChange['op'];
  tenant_id: string | null;
  row: Record<string, unknown> | null;
  old_row: Record<string, unknown> | null;
  changed_at: Date;
  source: string;
  source_type: CapturedChange['sourceType'];
  version: number;
  target_user: string | null;
  traceparent: string | null;
}

const COLUMNS = `id, transaction_id::text, table_schema, table_name, op, tenant_id, row, old_row, changed_at,
                 source, source_type, version, target_user, traceparent`;
/** The table as events name it: `users` for public (and MySQL / published) tables, `schema.table` otherwise. */
const TABLE_KEY_SQL = `CASE WHEN table_schema IN ('public', '') THEN table_name ELSE table_schema || '.' || table_name END`;

const toChange = (row: ChangeRow): CapturedChange => ({
  id: row.id,
  cursor: formatCursor({ transactionId: row.transaction_id, id: row.id }),
  position: { transactionId: row.transaction_id, id: row.id },
  table: row.table_schema === 'public' || row.table_schema === '' ? row.table_name : `${row.table_schema}.${row.table_name}`,
  op: row.op,
  tenantId: row.tenant_id,
  row: row.row,
  oldRow: row.old_row,
  changedAt: new Date(row.changed_at),
  source: row.source,
  sourceType: row.source_type,
  version: row.version,
  targetUser: row.target_user,
  traceparent: row.traceparent,
});

/** Whose changes a stream carries. */
export interface ChangeScope {
  /** One tenant's changes only; null is the operator database's own (it has no tenant column). */
  readonly tenantId: string | null;
  /** Only these tables (as events name them); all when absent. */
  readonly tables?: ReadonlySet<string>;
  /** A user's stream gets only the changes whose audience names it (or is `*`); without, all of the tenant's. */
  readonly userId?: string;
}

type Listener = (change: CapturedChange) => void;

/** Where a stream starts: after a change a client saw, or with what commits after a snapshot (being taken). */
export type StreamStart = { readonly after: ChangePosition } | { readonly since: Promise<Snapshot> };

/** A tenant's streams: those that see everything of the tenant, and users' streams by user id. */
interface TenantListeners {
  readonly all: Set<Listener>;
  readonly byUser: Map<string, Set<Listener>>;
}
const tenantKey = (tenantId: string | null) => tenantId ?? '';

/**
 * Reads `change_sink.changes` in commit order and hands each change to the streams of its tenant.
 * Reads are gap-safe — (transaction id, id) order, stopping at the oldest running transaction — so
 * a change committed late is still delivered. Woken by commits in this process, by NOTIFY from
 * other processes on a real server, and by a short poll. Every replica runs its own reader over the
 * shared table and serves its own clients.
 */
@Injectable()
export class ChangeReader implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ChangeReader.name);
  private readonly wakeup = new Wakeup();
  private readonly listeners = new Map<string, TenantListeners>();
  private readonly progress = new Set<() => void>();
  private cursor: ChangePosition = { transactionId: '0', id: '0' };
  /** Every transaction below it had ended when the reader last read all it could: their changes are at or before the cursor. */
  private horizon = 0n;
  private running = false;
  private loop?: Promise<void>;
  private unsubscribe?: () => void;
  private listener?: pg.Client;
  private readonly delay: Gauge;
  private readonly latency: Histogram<'table'>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: ChangeSinkConfig,
    private readonly audiences: ChangeAudience,
    metrics: Metrics,
  ) {
    this.delay = metrics.settableGauge('tributary_change_capture_delay_seconds', 'From a captured row change to its hand-off to subscribers (last change)');
    this.latency = new Histogram({
      name: 'tributary_change_push_latency_seconds',
      help: "From a captured row change (its transaction's time: a projection's commit for the event store's tables) to its hand-off to the subscribers' streams, per table",
      labelNames: ['table'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [metrics.registry],
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    // SQL: PostgreSQL's snapshot functions (no ORM form).
    const [start] = await this.dataSource.query<{ xmin: string }[]>(`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin`);
    this.cursor = { transactionId: start.xmin, id: '0' };
    this.unsubscribe = commitSignal.subscribe(ANY_COMMIT, () => this.wakeup.signal());
    await this.listen();
    this.running = true;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.wakeup.signal();
    await this.loop;
    await this.listener?.end().catch(() => undefined);
  }

  /** Where the reader stands: every change at or before it has been handed to the streams. */
  get position(): ChangePosition {
    return this.cursor;
  }

  /** What has committed now: a client connecting without `after` gets the changes committed after this. */
  async now(): Promise<Snapshot> {
    // SQL: PostgreSQL's snapshot functions (no ORM form).
    const [row] = await this.dataSource.query<{ snapshot: string }[]>(`SELECT pg_current_snapshot()::text AS snapshot`);
    return parseSnapshot(row.snapshot);
  }

  /** Wakes the reader now (a change was just written in this process). */
  poke(): void {
    this.wakeup.signal();
  }

  /** Resolves once the reader has handed out every change up to `position`. */
  async reached(position: ChangePosition, timeoutMs = 10_000): Promise<boolean> {
    return this.waitFor(() => !isAfter(position, this.cursor), timeoutMs);
  }

  /**
   * A cursor to resume a stream that started at `snapshot` from, before it has handed out any change:
   * after it come exactly the changes committed after the snapshot that the stream has not handed out
   * yet. Once the reader has read past every transaction the snapshot saw running (normally within
   * milliseconds), that is its position then. If a transaction older than the snapshot is still running
   * after `timeoutMs`, its position now: nothing after it was handed out, and before the changes of
   * that transaction come at most a few that committed just before the snapshot.
   */
  async checkpoint(snapshot: Snapshot, timeoutMs = 1_000): Promise<ChangePosition> {
    await this.waitFor(() => this.horizon >= snapshot.xmax, timeoutMs);
    return this.cursor;
  }

  /** Wakes the reader until `done` holds after one of its reads (false at the deadline or on shutdown). */
  private async waitFor(done: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline || !this.running) return false;
      this.wakeup.signal();
      await new Promise<void>((resolve) => {
        const read = () => {
          this.progress.delete(read);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(read, 50);
        this.progress.add(read);
      });
    }
    return true;
  }

  private async listen(): Promise<void> {
    if (!this.config.TRIBUTARY_NOTIFY_URL) return;
    const client = new pg.Client({ connectionString: this.config.TRIBUTARY_NOTIFY_URL });
    client.on('notification', () => this.wakeup.signal());
    client.on('error', (error) => this.logger.warn({ err: error }, 'LISTEN connection lost; polling'));
    await client.connect();
    // SQL: LISTEN, on a connection of its own (no ORM form).
    await client.query('LISTEN tributary_changes');
    this.listener = client;
  }

  private async run(): Promise<void> {
    let backoff = 0;
    while (this.running) {
      try {
        const read = await this.readBatch();
        if (read > 0) {
          backoff = 0;
          continue;
        }
        // Committed changes held back by an older transaction still running (anywhere on the
        // server: transaction ids are server-wide): look again soon, not at the next poll.
        if (await this.heldBack()) {
          backoff = Math.min(Math.max(2, backoff * 2), this.config.CHANGE_POLL_MS);
          await this.wakeup.wait(backoff);
          continue;
        }
      } catch (error) {
        this.logger.error({ err: error }, 'reading changes failed; retrying');
      }
      backoff = 0;
      await this.wakeup.wait(this.config.CHANGE_POLL_MS);
    }
  }

  private async heldBack(): Promise<boolean> {
    // SQL: the hot path (the reader's loop): anything committed past the cursor, a row-value comparison in commit order.
    const [row] = await this.dataSource.query<{ more: boolean; horizon: string }[]>(
      `SELECT EXISTS (SELECT 1 FROM change_sink.changes WHERE (transaction_id, id) > ($1::xid8, $2::bigint)) AS more,
              pg_snapshot_xmin(pg_current_snapshot())::text AS horizon`,
      [this.cursor.transactionId, this.cursor.id],
    );
    // Nothing committed past the cursor: every ended transaction's changes were read.
    if (!row.more) {
      this.advanceHorizon(row.horizon);
      this.progress.forEach((read) => read());
    }
    return row.more;
  }

  private async readBatch(): Promise<number> {
    // SQL: the hot path's batch read of the change log, in commit order below the oldest running transaction
    // (row-value comparison on xid8 and pg_current_snapshot(): no ORM form).
    const rows = await this.dataSource.query<Array<ChangeRow & { horizon: string }>>(
      `SELECT ${COLUMNS}, pg_snapshot_xmin(pg_current_snapshot())::text AS horizon
         FROM change_sink.changes
        WHERE (transaction_id, id) > ($1::xid8, $2::bigint)
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY transaction_id, id LIMIT ${READ_BATCH}`,
      [this.cursor.transactionId, this.cursor.id],
    );
    for (const row of rows) {
      this.cursor = { transactionId: row.transaction_id, id: row.id };
      const seconds = Math.max(0, (Date.now() - new Date(row.changed_at).getTime()) / 1000);
      this.delay.set(seconds);
      const change = toChange(row);
      // Tracing on: the push continues the trace of the write (the projection batch that made the change).
      const span = change.traceparent ? openSpan(`push ${change.table}`, pushSpan(change)) : undefined;
      if (span) withSpan(span, () => this.dispatch(change));
      else this.dispatch(change);
      endSpan(span);
      this.latency.observe({ table: change.table }, seconds);
    }
    // A batch that was not full read every change of the transactions that had ended below its horizon.
    if (rows.length > 0 && rows.length < READ_BATCH) this.advanceHorizon(rows[0].horizon);
    this.progress.forEach((done) => done());
    return rows.length;
  }

  private advanceHorizon(horizon: string): void {
    const xid = BigInt(horizon);
    if (xid > this.horizon) this.horizon = xid;
  }

  /** Hands a change to its tenant's streams that can see it: O(recipients), not O(connections). */
  private dispatch(change: CapturedChange): void {
    const tenant = this.listeners.get(tenantKey(change.tenantId));
    if (!tenant) return;
    tenant.all.forEach((listener) => this.call(listener, change));
    let audience: '*' | readonly string[];
    try {
      audience = this.audiences.of(change);
    } catch (error) {
      this.logger.error({ err: error, changeId: change.id, table: change.table }, 'routing a change failed');
      return;
    }
    if (audience === '*') tenant.byUser.forEach((listeners) => listeners.forEach((listener) => this.call(listener, change)));
    else new Set(audience).forEach((userId) => tenant.byUser.get(userId)?.forEach((listener) => this.call(listener, change)));
  }

  private call(listener: Listener, change: CapturedChange): void {
    // One failing stream never stops the others.
    try {
      listener(change);
    } catch (error) {
      this.logger.error({ err: error, changeId: change.id }, 'a change stream failed');
    }
  }

  private addListener(scope: ChangeScope, listener: Listener): () => void {
    const key = tenantKey(scope.tenantId);
    let tenant = this.listeners.get(key);
    if (!tenant) this.listeners.set(key, (tenant = { all: new Set(), byUser: new Map() }));
    const set = scope.userId === undefined ? tenant.all : tenant.byUser.get(scope.userId) ?? new Set<Listener>();
    if (scope.userId !== undefined) tenant.byUser.set(scope.userId, set);
    set.add(listener);
    return () => {
      set.delete(listener);
      if (scope.userId !== undefined && set.size === 0) tenant.byUser.delete(scope.userId);
      if (tenant.all.size === 0 && tenant.byUser.size === 0) this.listeners.delete(key);
    };
  }

  /**
   * The changes in `scope`: with `after`, those committed after it first (a client resuming where it
   * left off, across reconnects, replicas and restarts), then live ones — without a gap or a repeat
   * at the seam: live changes are held back until the replay reached the point where they start,
   * and nothing at or before `after` is handed out. With `since` instead (the snapshot taken as the
   * client connects), exactly the changes committed after it: the stream listens before the
   * snapshot is taken and holds what arrives until it is known, so none is missed, and none that
   * had committed before is handed out even if the reader gets to it later.
   */
  stream(scope: ChangeScope, start: StreamStart): Observable<CapturedChange> {
    const inScope = (c: CapturedChange) => !scope.tables || scope.tables.has(c.table);
    const after = 'after' in start ? start.after : undefined;
    return new Observable<CapturedChange>((subscriber) => {
      const until = this.cursor;
      const held: CapturedChange[] = [];
      let replaying = true;
      let cancelled = false;
      let since: Snapshot | undefined;
      // Changes come in commit order: once one is after `after` and from a transaction that began
      // after the snapshot, so is every later one, and the checks (thousands of clients × every
      // change) are skipped from then on.
      let started = false;
      const emit = (change: CapturedChange) => {
        if (!started) {
          const position = change.position;
          if (after && !isAfter(position, after)) return;
          if (since && committedBefore(since, position.transactionId)) return;
          started = !since || BigInt(position.transactionId) >= since.xmax;
        }
        subscriber.next(change);
      };
      const remove = this.addListener(scope, (change) => {
        if (!inScope(change)) return;
        if (replaying) held.push(change);
        else emit(change);
      });
      const first: Promise<CapturedChange[]> = after
        ? this.replay(scope, after, until)
        : (start as { since: Promise<Snapshot> }).since.then((snapshot) => {
            since = snapshot;
            return [];
          });
      first.then(
        (replayed) => {
          if (cancelled) return;
          // Synchronous from here to the switch: no live change can slip in between.
          replayed.forEach(emit);
          held.splice(0).forEach(emit);
          replaying = false;
        },
        (error) => subscriber.error(error),
      );
      return () => {
        cancelled = true;
        remove();
      };
    });
  }

  /** Refuses a cursor some of whose following changes were pruned (older than the retention window). */
  async assertResumable(after: ChangePosition): Promise<void> {
    const expired = await this.dataSource
      .getRepository(PrunedEntity)
      .createQueryBuilder('pruned')
      // A position in commit order is a (transaction id, change id) pair, compared as one.
      .where('(pruned.transactionId, pruned.id) > (CAST(:transactionId AS xid8), CAST(:id AS bigint))', after)
      .getExists();
    if (expired) {
      throw new TributaryError('invalid', 'cursor_expired', 'Changes after this cursor are older than the retention window and were pruned; start again without after');
    }
  }

  /**
   * A tenant's replay reads in a tenant transaction (row-level security as the second wall); the
   * operator database's own changes (no tenant) are not under it.
   */
  private async replay(scope: ChangeScope, after: ChangePosition, until: ChangePosition): Promise<CapturedChange[]> {
    await this.assertResumable(after);
    if (scope.tenantId === null) return this.replayWith(this.dataSource.manager, scope, after, until);
    const tenant = TenantContext.trusted(scope.tenantId, 'change-sink:replay');
    return withTenant(this.dataSource, tenant, (manager) => this.replayWith(manager, scope, after, until));
  }

  private async replayWith(manager: EntityManager, scope: ChangeScope, after: ChangePosition, until: ChangePosition): Promise<CapturedChange[]> {
    const changes: CapturedChange[] = [];
    for (let from = after; isAfter(until, from); ) {
      // SQL: the change-reader path: a (transaction id, id) range in commit order, a page at a time, row-value comparisons.
      const rows = await manager.query<ChangeRow[]>(
        `SELECT ${COLUMNS}
           FROM change_sink.changes
          WHERE (transaction_id, id) > ($1::xid8, $2::bigint) AND (transaction_id, id) <= ($3::xid8, $4::bigint)
            AND tenant_id IS NOT DISTINCT FROM $5
            AND ($6::text[] IS NULL OR ${TABLE_KEY_SQL} = ANY($6::text[]))
          ORDER BY transaction_id, id LIMIT ${REPLAY_PAGE}`,
        [from.transactionId, from.id, until.transactionId, until.id, scope.tenantId, scope.tables ? [...scope.tables] : null],
      );
      changes.push(...rows.map(toChange));
      if (rows.length < REPLAY_PAGE) break;
      const last = rows[rows.length - 1];
      from = { transactionId: last.transaction_id, id: last.id };
    }
    return changes;
  }
}

const pushSpan = (change: CapturedChange) => ({
  kind: SpanKind.PRODUCER,
  parent: change.traceparent,
  attributes: { 'tributary.table': change.table, 'tributary.op': change.op, 'tributary.change_id': change.id, 'tributary.tenant_id': change.tenantId ?? '' },
});
