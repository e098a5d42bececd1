import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ChangeSinkConfig } from '../change-sink.config.js';
import { pgNameLiteral, pgTable } from './sql-quoting.js';

const TRIGGER = 'tributary_capture';

/**
 * Installs the capture trigger (`change_sink.capture(tenant column)`) on Postgres tables. The
 * platform's tables (CAPTURE_TABLES) may not exist yet when the change-sink starts (their owning app
 * has not migrated): they are retried until they do, the others are captured meanwhile. What it
 * installed it checks again on demand (readiness): a trigger dropped, disabled or lost with its
 * table is reported, not reinstalled behind the operator's back.
 */
@Injectable()
export class TriggerInstaller implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TriggerInstaller.name);
  private readonly pending = new Map<string, string>();
  /** Tables whose trigger this process installed (and has not uninstalled). */
  private readonly installed = new Set<string>();
  private retry?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: ChangeSinkConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.config.captureTables.forEach((t) => this.pending.set(t, 'tenant_id'));
    await this.installPending();
    if (this.pending.size > 0) {
      // installPending() handles each table's failure; the catch is for what it did not foresee.
      this.retry = setInterval(() => {
        this.installPending().catch((error: unknown) => this.logger.error({ err: error }, 'installing the capture triggers failed; retrying'));
      }, 1000);
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.retry);
  }

  /**
   * The tables configured for capture here that are not captured now, each with the reason (the
   * readiness check reports them): not installed yet, or installed and since gone.
   */
  async uncaptured(): Promise<string[]> {
    const reasons = [...this.pending.keys()].map((table) => `${table} (not installed yet: the table does not exist yet)`);
    if (this.installed.size === 0) return reasons;
    const tables = [...this.installed];
    // SQL: the system catalog (pg_trigger, to_regclass) over an unnest of the tables (no ORM form).
    const lost = await this.dataSource.query<{ n: number; gone: boolean }[]>(
      `SELECT t.n, to_regclass(t.name) IS NULL AS gone
         FROM unnest($1::text[]) WITH ORDINALITY AS t(name, n)
        WHERE NOT EXISTS (
          SELECT 1 FROM pg_trigger g WHERE g.tgrelid = to_regclass(t.name) AND g.tgname = $2 AND g.tgenabled <> 'D'
        )`,
      [tables.map(pgTable), TRIGGER],
    );
    for (const { n, gone } of lost) {
      const table = tables[Number(n) - 1];
      reasons.push(
        gone
          ? `${table} (the table no longer exists)`
          : `${table} (its capture trigger ${TRIGGER} was dropped or disabled; restart the change-sink to install it again)`,
      );
    }
    return reasons;
  }

  /** Captures `table` now; `tenantColumn` '' when its rows carry no tenant. */
  async install(table: string, tenantColumn: string): Promise<void> {
    // SQL: DDL on the operator's table, named by configuration.
    await this.dataSource.query(
      `CREATE OR REPLACE TRIGGER ${TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON ${pgTable(table)}
       FOR EACH ROW EXECUTE FUNCTION change_sink.capture(${pgNameLiteral(tenantColumn)})`,
    );
    this.installed.add(table);
    this.logger.log({ table }, 'capturing changes');
  }

  async uninstall(table: string): Promise<void> {
    // SQL: DDL on the operator's table, named by configuration.
    await this.dataSource.query(`DROP TRIGGER IF EXISTS ${TRIGGER} ON ${pgTable(table)}`);
    this.installed.delete(table);
  }

  private async installPending(): Promise<void> {
    for (const [table, tenantColumn] of [...this.pending]) {
      try {
        // to_regclass reads its argument as SQL text: given the quoted name, it finds the table CREATE TRIGGER will.
        // SQL: the system catalog (no ORM form).
        const [{ exists }] = await this.dataSource.query<{ exists: boolean }[]>(`SELECT to_regclass($1) IS NOT NULL AS exists`, [pgTable(table)]);
        if (!exists) {
          this.logger.warn({ table }, 'capture table does not exist yet; retrying');
          continue;
        }
        await this.install(table, tenantColumn);
        this.pending.delete(table);
      } catch (error) {
        this.logger.error({ err: error, table }, 'installing the capture trigger failed; retrying');
      }
    }
    if (this.pending.size === 0) clearInterval(this.retry);
  }
}
