import { Injectable, Logger } from '@nestjs/common';
import { createPool, type Pool, type RowDataPacket } from 'mysql2/promise';
import { DataSource, type EntityManager } from 'typeorm';
import { ChangeSinkConfig } from '../change-sink.config.js';
import { ChangeSource, type UserRecord } from './change-source.js';
import { checkOperatorSchema } from './schema-check.js';
import { SourceCursorEntity } from './source-cursor.entity.js';
import { mysqlIdentifier, mysqlNameLiteral, mysqlTriggerName, READ_BACKSLASH_ESCAPES } from './sql-quoting.js';

const RELAY_BATCH = 1_000;
/** An outbox id missing this long is a rolled-back insert, not a slow transaction. */
const HOLE_TIMEOUT_MS = 30_000;
const PRUNE_EVERY_MS = 60_000;
const RELAY_LOCK = 7_264_803;
/** A table's three capture triggers: after insert, update, delete. */
const TRIGGER_SUFFIXES = ['ai', 'au', 'ad'] as const;

interface OutboxRow extends RowDataPacket {
  id: string;
  table_name: string;
  op: 'insert' | 'update' | 'delete';
  tenant_id: string | null;
  row_data: string | null;
  old_data: string | null;
  created_ms: string;
}

/**
 * The operator's tables in MySQL/MariaDB. Triggers write each row change to the outbox
 * (MYSQL_TABLE_TARGET, created if missing and never dropped); a relay copies outbox rows into
 * `change_sink.changes`, at most one replica at a time, with its cursor in the same PostgreSQL
 * transaction. MySQL hands out auto-increment ids before commit, so ids can commit out of order: the
 * relay remembers the holes below its highest id and the cursor stays below the oldest one until it
 * fills (or times out as a rolled-back insert); rows are keyed by outbox id, so reading one twice is
 * harmless. Polled every MYSQL_POLL_MS at most, at once again while there is more.
 *
 * SQL: the MySQL side (information schema, triggers, the outbox, AUTH_TABLE) is MySQL's own, through mysql2, not
 * TypeORM's data source; on the PostgreSQL side only the relay lock and the change log's batch write are SQL.
 */
@Injectable()
export class MysqlChangeSource extends ChangeSource {
  readonly kind = 'mysql';
  private readonly logger = new Logger(MysqlChangeSource.name);
  private readonly pool: Pool;
  private readonly database: string;
  private readonly cursorKey: string;
  private cursor = 0n;
  private high = 0n;
  private readonly holes = new Map<bigint, number>();
  private running = false;
  private loop?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private wake?: () => void;
  private lastPrune = 0;
  private captured = false;
  /** Tables whose triggers `uninstall` removed while running: no longer expected captured. */
  private readonly uninstalled = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: ChangeSinkConfig,
  ) {
    super();
    const mysql = config.mysql!;
    this.database = mysql.database;
    this.cursorKey = `mysql:${mysql.database}.${config.MYSQL_TABLE_TARGET}`;
    this.pool = createPool({
      host: mysql.host,
      port: mysql.port,
      user: mysql.user,
      password: mysql.password,
      database: mysql.database,
      connectionLimit: 4,
      supportBigNumbers: true,
      bigNumberStrings: true,
      charset: 'utf8mb4',
    });
    // Emitted before the pool hands the new connection out: this runs ahead of any query on it.
    this.pool.pool.on('connection', (connection) => {
      connection.query(READ_BACKSLASH_ESCAPES, (error) => {
        if (!error) return;
        this.logger.error({ err: error }, 'could not turn NO_BACKSLASH_ESCAPES off; dropping the connection');
        connection.destroy();
      });
    });
  }

  async columnsOf(table: string): Promise<Set<string> | null> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
      [this.database, table],
    );
    return rows.length === 0 ? null : new Set(rows.map((r) => String(r.name)));
  }

  async usersByToken(tokens: readonly string[]): Promise<UserRecord[]> {
    const { AUTH_TABLE, AUTH_COLUMN, AUTH_ID_COLUMN, TENANT_COLUMN } = this.config;
    if (!AUTH_TABLE || !AUTH_COLUMN || tokens.length === 0) return [];
    const tenant = TENANT_COLUMN ? `CAST(${mysqlIdentifier(TENANT_COLUMN)} AS CHAR)` : 'NULL';
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT CAST(${mysqlIdentifier(AUTH_COLUMN)} AS CHAR) AS token, CAST(${mysqlIdentifier(AUTH_ID_COLUMN)} AS CHAR) AS userId, ${tenant} AS tenantId
         FROM ${mysqlIdentifier(AUTH_TABLE)} WHERE ${mysqlIdentifier(AUTH_COLUMN)} IN (?)`,
      [tokens],
    );
    return rows.map((r) => ({ token: String(r.token), userId: String(r.userId), tenantId: r.tenantId === null ? null : String(r.tenantId) }));
  }

  async start(): Promise<void> {
    try {
      await checkOperatorSchema(this.config, this);
      await this.createOutbox();
      for (const table of this.config.tableNames) await this.install(table);
    } catch (error) {
      await this.pool.end().catch(() => undefined);
      throw error;
    }
    this.captured = true;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (!this.captured) return;
    this.captured = false;
    this.running = false;
    clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
    await this.pool.end().catch(() => undefined);
  }

  /** Before the start every table; after it, those of its three triggers one is missing from (dropped, or lost with its table). */
  async uncaptured(): Promise<string[]> {
    if (!this.captured) return this.config.tableNames.map((table) => `${table} (not installed yet)`);
    const tables = this.config.tableNames.filter((table) => !this.uninstalled.has(table));
    if (tables.length === 0) return [];
    const expected = tables.flatMap((table) => TRIGGER_SUFFIXES.map((suffix) => mysqlTriggerName(table, suffix)));
    let rows: RowDataPacket[];
    try {
      [rows] = await this.pool.query<RowDataPacket[]>(
        `SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? AND TRIGGER_NAME IN (?)`,
        [this.database, expected],
      );
    } catch (error) {
      // The driver's words (user, host) stay in the log: readiness answers anyone who asks.
      this.logger.warn({ err: error }, 'readiness: the MySQL database did not answer');
      throw new Error('the MySQL database did not answer (see the log)');
    }
    const present = new Set(rows.map((r) => String(r.name)));
    return tables
      .filter((table) => TRIGGER_SUFFIXES.some((suffix) => !present.has(mysqlTriggerName(table, suffix))))
      .map((table) => `${table} (a capture trigger was dropped or lost with its table; restart the change-sink to install it again)`);
  }

  async uninstall(table: string): Promise<void> {
    for (const suffix of TRIGGER_SUFFIXES) await this.pool.query(`DROP TRIGGER IF EXISTS ${mysqlIdentifier(mysqlTriggerName(table, suffix))}`);
    this.uninstalled.add(table);
  }

  private async createOutbox(): Promise<void> {
    // Never dropped: rows not yet relayed when the service stops are relayed when it starts again.
    await this.pool.query(`
      CREATE TABLE IF NOT EXISTS ${mysqlIdentifier(this.config.MYSQL_TABLE_TARGET)} (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
        table_name VARCHAR(64) NOT NULL,
        op VARCHAR(6) NOT NULL,
        tenant_id VARCHAR(255) NULL,
        row_data LONGTEXT NULL,
        old_data LONGTEXT NULL,
        created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
        KEY created_at (created_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
  }

  /** One trigger per operation, writing the whole row as JSON (OLD on delete). Re-created at each start, so new columns are captured. */
  private async install(table: string): Promise<void> {
    const columns = [...((await this.columnsOf(table)) ?? [])];
    const json = (ref: 'NEW' | 'OLD') => `JSON_OBJECT(${columns.map((c) => `${mysqlNameLiteral(c)}, ${ref}.${mysqlIdentifier(c)}`).join(', ')})`;
    const tenant = (ref: 'NEW' | 'OLD') => (this.config.TENANT_COLUMN ? `${ref}.${mysqlIdentifier(this.config.TENANT_COLUMN)}` : 'NULL');
    const outbox = mysqlIdentifier(this.config.MYSQL_TABLE_TARGET);
    const triggers: Array<[(typeof TRIGGER_SUFFIXES)[number], string, string]> = [
      ['ai', 'INSERT', `VALUES (${mysqlNameLiteral(table)}, 'insert', ${tenant('NEW')}, ${json('NEW')}, NULL)`],
      ['au', 'UPDATE', `VALUES (${mysqlNameLiteral(table)}, 'update', ${tenant('NEW')}, ${json('NEW')}, ${json('OLD')})`],
      ['ad', 'DELETE', `VALUES (${mysqlNameLiteral(table)}, 'delete', ${tenant('OLD')}, NULL, ${json('OLD')})`],
    ];
    for (const [suffix, event, values] of triggers) {
      const name = mysqlIdentifier(mysqlTriggerName(table, suffix));
      await this.pool.query(`DROP TRIGGER IF EXISTS ${name}`);
      await this.pool.query(
        `CREATE TRIGGER ${name} AFTER ${event} ON ${mysqlIdentifier(table)} FOR EACH ROW
         INSERT INTO ${outbox} (table_name, op, tenant_id, row_data, old_data) ${values}`,
      );
    }
    this.uninstalled.delete(table);
    this.logger.log({ table }, 'capturing MySQL changes');
  }

  private async run(): Promise<void> {
    while (this.running) {
      let relayed = 0;
      try {
        relayed = await this.relay();
        await this.pruneNow();
      } catch (error) {
        this.logger.error({ err: error }, 'relaying the MySQL outbox failed; retrying');
      }
      // Adaptive: at once while batches come back full, soon after any change, MYSQL_POLL_MS when idle.
      const pause = relayed >= RELAY_BATCH ? 0 : relayed > 0 ? 10 : this.config.MYSQL_POLL_MS;
      if (pause > 0 && this.running) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.timer = setTimeout(resolve, pause);
        });
      }
    }
  }

  /** One relay step, in one PostgreSQL transaction holding the relay lock: rows in, cursor moved. */
  private async relay(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      // SQL: an advisory lock (no ORM form) — one replica relays at a time.
      const [{ locked }] = await manager.query<{ locked: boolean }[]>(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [RELAY_LOCK]);
      if (!locked) return 0;
      await this.syncCursor(manager);
      const fresh = await this.outboxRows(`id > ? ORDER BY id LIMIT ${RELAY_BATCH}`, [this.high.toString()]);
      const filled = this.holes.size > 0 ? await this.outboxRows(`id IN (?)`, [[...this.holes.keys()].map(String)]) : [];
      const rows = [...filled, ...fresh];
      if (rows.length > 0) await this.insertChanges(manager, rows);
      const before = this.cursor;
      this.advance(fresh, filled);
      if (this.cursor === before) return rows.length;
      await manager
        .createQueryBuilder()
        .insert()
        .into(SourceCursorEntity)
        .values({ source: this.cursorKey, position: this.cursor.toString(), updatedAt: () => 'now()' })
        .orUpdate(['position', 'updated_at'], ['source'])
        .updateEntity(false)
        .execute();
      return rows.length;
    });
  }

  /** Another replica may have relayed since this one last did: start from the stored cursor then. */
  private async syncCursor(manager: EntityManager): Promise<void> {
    const row = await manager.findOneBy(SourceCursorEntity, { source: this.cursorKey });
    const stored = row ? BigInt(row.position) : 0n;
    if (stored !== this.cursor) {
      this.cursor = stored;
      this.high = stored;
      this.holes.clear();
    }
  }

  private async outboxRows(where: string, params: unknown[]): Promise<OutboxRow[]> {
    const [rows] = await this.pool.query<OutboxRow[]>(
      `SELECT id, table_name, op, tenant_id, row_data, old_data, UNIX_TIMESTAMP(created_at) * 1000 AS created_ms
         FROM ${mysqlIdentifier(this.config.MYSQL_TABLE_TARGET)} WHERE ${where}`,
      params,
    );
    return rows;
  }

  private async insertChanges(manager: EntityManager, rows: OutboxRow[]): Promise<void> {
    const values: unknown[] = [];
    const tuples = rows.map((r, i) => {
      values.push(r.table_name, r.op, r.tenant_id, r.row_data, r.old_data, new Date(Number(r.created_ms)), `${this.cursorKey}:${r.id}`);
      const p = i * 7;
      return `('', $${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}::jsonb, $${p + 5}::jsonb, $${p + 6}, 'database', 'mysql', $${p + 7})`;
    });
    // SQL: the change log's batch write on the capture path — one multi-row statement, the outbox's JSON text cast
    // to jsonb as is, and a conflict target on a partial unique index (source_key), which TypeORM cannot name.
    await manager.query(
      `INSERT INTO change_sink.changes (table_schema, table_name, op, tenant_id, row, old_row, changed_at, source, source_type, source_key)
       VALUES ${tuples.join(', ')}
       ON CONFLICT (source_key) WHERE source_key IS NOT NULL DO NOTHING`,
      values,
    );
  }

  private advance(fresh: OutboxRow[], filled: OutboxRow[]): void {
    const now = Date.now();
    filled.forEach((r) => this.holes.delete(BigInt(r.id)));
    for (const row of fresh) {
      const id = BigInt(row.id);
      // A jump of thousands is the server reserving ids (auto_increment_increment, a restart), not transactions in flight.
      if (id - this.high <= 1_000n) for (let missing = this.high + 1n; missing < id; missing++) this.holes.set(missing, now);
      this.high = id;
    }
    for (const [id, since] of this.holes) {
      if (now - since > HOLE_TIMEOUT_MS) this.holes.delete(id);
    }
    const lowestHole = [...this.holes.keys()].reduce<bigint | null>((min, id) => (min === null || id < min ? id : min), null);
    this.cursor = lowestHole === null ? this.high : lowestHole - 1n;
  }

  /** Relayed outbox rows older than the retention window go. */
  private async pruneNow(): Promise<void> {
    if (Date.now() - this.lastPrune < Math.min(PRUNE_EVERY_MS, this.config.MYSQL_RETENTION_SECONDS * 1000)) return;
    this.lastPrune = Date.now();
    await this.pool.query(
      `DELETE FROM ${mysqlIdentifier(this.config.MYSQL_TABLE_TARGET)} WHERE id <= ? AND created_at < NOW(6) - INTERVAL ? SECOND`,
      [this.cursor.toString(), this.config.MYSQL_RETENTION_SECONDS],
    );
  }
}
