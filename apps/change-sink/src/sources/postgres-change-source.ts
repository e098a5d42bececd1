import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ChangeSinkConfig } from '../change-sink.config.js';
import { ChangeSource, type UserRecord } from './change-source.js';
import { checkOperatorSchema } from './schema-check.js';
import { pgIdentifier, pgTable, splitTable } from './sql-quoting.js';
import { TriggerInstaller } from './trigger-installer.js';

/** The operator's tables in the change-sink's own PostgreSQL database, captured by triggers. */
@Injectable()
export class PostgresChangeSource extends ChangeSource {
  readonly kind = 'postgres';

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: ChangeSinkConfig,
    private readonly installer: TriggerInstaller,
  ) {
    super();
  }

  async columnsOf(table: string): Promise<Set<string> | null> {
    const { schema, name } = splitTable(table);
    // SQL: the information schema of the operator's database (no entity: tables named by configuration).
    const rows = await this.dataSource.query<{ column_name: string }[]>(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2`,
      [schema ?? 'public', name],
    );
    return rows.length === 0 ? null : new Set(rows.map((r) => r.column_name));
  }

  async usersByToken(tokens: readonly string[]): Promise<UserRecord[]> {
    const { AUTH_TABLE, AUTH_COLUMN, AUTH_ID_COLUMN, TENANT_COLUMN } = this.config;
    if (!AUTH_TABLE || !AUTH_COLUMN || tokens.length === 0) return [];
    const tenant = TENANT_COLUMN ? `${pgIdentifier(TENANT_COLUMN)}::text` : 'NULL';
    // SQL: the operator's AUTH_TABLE, named by configuration (no entity).
    // `= ANY($1)` lets PostgreSQL type the tokens like the column, so its index is used.
    return this.dataSource.query<UserRecord[]>(
      `SELECT ${pgIdentifier(AUTH_COLUMN)}::text AS "token", ${pgIdentifier(AUTH_ID_COLUMN)}::text AS "userId", ${tenant} AS "tenantId"
         FROM ${pgTable(AUTH_TABLE)} WHERE ${pgIdentifier(AUTH_COLUMN)} = ANY($1)`,
      [tokens],
    );
  }

  async start(): Promise<void> {
    await checkOperatorSchema(this.config, this);
    for (const table of this.config.tableNames) await this.installer.install(table, this.config.TENANT_COLUMN ?? '');
  }

  async uninstall(table: string): Promise<void> {
    await this.installer.uninstall(table);
  }

  async stop(): Promise<void> {}

  /** Nothing of its own: its tables' triggers are the installer's, which reports them. */
  async uncaptured(): Promise<string[]> {
    return [];
  }
}
