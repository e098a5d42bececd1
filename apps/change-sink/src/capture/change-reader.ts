import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ANY_COMMIT, commitSignal } from '@tributary/database';
import { Wakeup } from '@tributary/messaging';
import { Metrics } from '@tributary/runtime';
import pg from 'pg';
import type { Gauge } from 'prom-client';
import { filter, Observable, Subject, type Subscription } from 'rxjs';
import { DataSource } from 'typeorm';
import { ChangeSinkConfig } from '../change-sink.config.js';
import { formatCursor, isAfter, parseCursor, type CapturedChange, type ChangePosition } from './captured-change.js';

const REPLAY_PAGE = 1_000;

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
}

const toChange = (row: ChangeRow): CapturedChange => ({
  id: row.id,
  cursor: formatCursor({ transactionId: row.transaction_id, id: row.id }),
  table: `${row.table_schema}.${row.table_name}`,
  op: row.op,
  tenantId: row.tenant_id,
  row: row.row,
  oldRow: row.old_row,
  changedAt: row.changed_at,
});

/**
 * Reads `change_sink.changes` in commit order and hands each change to `changes$`. Reads are
 * gap-safe — (transaction id, id) order, stopping at the oldest running transaction — so a change
 * committed late is still delivered. Woken by commits in this process, by NOTIFY from other
 * processes on a real server, and by a short poll.
 */
@Injectable()
export class ChangeReader implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly changes$ = new Subject<CapturedChange>();
  private readonly logger = new Logger(ChangeReader.name);
  private readonly wakeup = new Wakeup();
  private cursor: ChangePosition = { transactionId: '0', id: '0' };
  private running = false;
  private loop?: Promise<void>;
  private unsubscribe?: () => void;
  private listener?: pg.Client;

  private readonly delay: Gauge;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: ChangeSinkConfig,
    metrics: Metrics,
  ) {
    this.delay = metrics.settableGauge('tributary_change_capture_delay_seconds', 'From a captured row change to its hand-off to subscribers (last change)');
  }

  async onApplicationBootstrap(): Promise<void> {
    const [start] = await this.dataSource.query(`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin`);
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
    this.changes$.complete();
  }

  private async listen(): Promise<void> {
    if (!this.config.TRIBUTARY_NOTIFY_URL) return;
    const client = new pg.Client({ connectionString: this.config.TRIBUTARY_NOTIFY_URL });
    client.on('notification', () => this.wakeup.signal());
    client.on('error', (error) => this.logger.warn({ err: error }, 'LISTEN connection lost; polling'));
    await client.connect();
    await client.query('LISTEN tributary_changes');
    this.listener = client;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const read = await this.readBatch();
        if (read > 0) continue;
      } catch (error) {
        this.logger.error({ err: error }, 'reading changes failed; retrying');
      }
      await this.wakeup.wait(this.config.CHANGE_POLL_MS);
    }
  }

  private async readBatch(): Promise<number> {
    const rows = await this.dataSource.query<ChangeRow[]>(
      `SELECT id, transaction_id::text, table_schema, table_name, op, tenant_id, row, old_row, changed_at
         FROM change_sink.changes
        WHERE (transaction_id, id) > ($1::xid8, $2::bigint)
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY transaction_id, id LIMIT 500`,
      [this.cursor.transactionId, this.cursor.id],
    );
    for (const row of rows) {
      this.cursor = { transactionId: row.transaction_id, id: row.id };
      this.delay.set(Math.max(0, (Date.now() - new Date(row.changed_at).getTime()) / 1000));
      this.changes$.next(toChange(row));
    }
    return rows.length;
  }

  /**
   * The changes of one tenant's table: those committed after `after` first (a client resuming
   * where it left off, across reconnects and restarts of this service), then live ones — without a
   * gap or a repeat at the seam: live changes are held back until the replay reached the point
   * where they start.
   */
  changesOf(table: string, tenantId: string, after?: ChangePosition): Observable<CapturedChange> {
    const mine = filter((c: CapturedChange) => c.table === table && c.tenantId === tenantId);
    if (!after) return this.changes$.pipe(mine);
    return new Observable<CapturedChange>((subscriber) => {
      const until = this.cursor;
      const held: CapturedChange[] = [];
      let replaying = true;
      let cancelled = false;
      const live: Subscription = this.changes$.pipe(mine).subscribe({
        next: (change) => (replaying ? held.push(change) : subscriber.next(change)),
        error: (error) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      this.replay(table, tenantId, after, until).then(
        (replayed) => {
          if (cancelled) return;
          // Synchronous from here to the switch: no live change can slip in between.
          replayed.forEach((change) => subscriber.next(change));
          held.splice(0).forEach((change) => subscriber.next(change));
          replaying = false;
        },
        (error) => subscriber.error(error),
      );
      return () => {
        cancelled = true;
        live.unsubscribe();
      };
    });
  }

  private async replay(table: string, tenantId: string, after: ChangePosition, until: ChangePosition): Promise<CapturedChange[]> {
    const changes: CapturedChange[] = [];
    for (let from = after; isAfter(until, from); ) {
      const page = await this.replayPage(table, tenantId, from, until);
      changes.push(...page);
      if (page.length < REPLAY_PAGE) break;
      from = parseCursor(page[page.length - 1].cursor);
    }
    return changes;
  }

  private async replayPage(table: string, tenantId: string, after: ChangePosition, until: ChangePosition): Promise<CapturedChange[]> {
    const [schema, name] = table.split('.');
    const rows = await this.dataSource.query<ChangeRow[]>(
      `SELECT id, transaction_id::text, table_schema, table_name, op, tenant_id, row, old_row, changed_at
         FROM change_sink.changes
        WHERE (transaction_id, id) > ($1::xid8, $2::bigint) AND (transaction_id, id) <= ($3::xid8, $4::bigint)
          AND table_schema = $5 AND table_name = $6 AND tenant_id = $7
        ORDER BY transaction_id, id LIMIT $8`,
      [after.transactionId, after.id, until.transactionId, until.id, schema, name, tenantId, REPLAY_PAGE],
    );
    return rows.map(toChange);
  }
}
