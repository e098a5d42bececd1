import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ANY_COMMIT, commitSignal } from '@tributary/database';
import { Wakeup } from '@tributary/messaging';
import pg from 'pg';
import { Subject } from 'rxjs';
import { DataSource } from 'typeorm';
import { ChangeSinkConfig } from '../change-sink.config.js';
import type { CapturedChange } from './captured-change.js';

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
  private cursor = { transactionId: '0', id: '0' };
  private running = false;
  private loop?: Promise<void>;
  private unsubscribe?: () => void;
  private listener?: pg.Client;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: ChangeSinkConfig,
  ) {}

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
      this.changes$.next({
        id: row.id,
        table: `${row.table_schema}.${row.table_name}`,
        op: row.op,
        tenantId: row.tenant_id,
        row: row.row,
        oldRow: row.old_row,
        changedAt: row.changed_at,
      });
    }
    return rows.length;
  }
}
