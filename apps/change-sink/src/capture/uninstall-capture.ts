import pg from 'pg';
import type { ChangeSinkConfig } from '../change-sink.config.js';
import { tableKey } from '../table-routing.js';
import { mysqlIdentifier, mysqlTriggerName, pgTable } from '../sources/sql-quoting.js';

/**
 * `main.js uninstall`: removes the capture triggers from every configured table (TABLE_NAMES and
 * CAPTURE_TABLES), leaving the tables, the change table and the MySQL outbox as they are. Tables
 * that do not exist are skipped. Run it with the service stopped; it reinstalls them at start.
 */
export async function uninstallCapture(config: ChangeSinkConfig): Promise<{ uninstalled: string[] }> {
  const uninstalled: string[] = [];
  // SQL: the system catalog and DDL on the configured tables, on a connection of its own (the app is not running).
  const client = new pg.Client({ connectionString: config.DATABASE_URL });
  await client.connect();
  try {
    const postgresTables = [...config.captureTables, ...(config.mysql ? [] : config.tableNames)];
    for (const table of postgresTables) {
      const { rows } = await client.query(`SELECT to_regclass($1) IS NOT NULL AS exists`, [pgTable(table)]);
      if (!rows[0].exists) continue;
      await client.query(`DROP TRIGGER IF EXISTS tributary_capture ON ${pgTable(table)}`);
      uninstalled.push(tableKey(table));
    }
  } finally {
    await client.end();
  }
  const mysql = config.mysql;
  if (!mysql) return { uninstalled };
  const { createConnection } = await import('mysql2/promise');
  const connection = await createConnection({ host: mysql.host, port: mysql.port, user: mysql.user, password: mysql.password, database: mysql.database });
  try {
    for (const table of config.tableNames) {
      for (const suffix of ['ai', 'au', 'ad']) await connection.query(`DROP TRIGGER IF EXISTS ${mysqlIdentifier(mysqlTriggerName(table, suffix))}`);
      uninstalled.push(table);
    }
  } finally {
    await connection.end();
  }
  return { uninstalled };
}
