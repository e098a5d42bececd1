import { randomBytes } from 'node:crypto';
import { createConnection, type Connection } from 'mysql2/promise';
import { testEnvironment, type TestEnvironment } from './test.config.js';

export const DEFAULT_TEST_MYSQL_URL = 'mysql://root@127.0.0.1:3306/test';

export interface TestMysqlDatabase {
  /** `mysql://user:password@host:port/<fresh database>` */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password?: string;
  readonly database: string;
  /** A connection to the fresh database (multiple statements allowed), closed by drop(). */
  readonly connection: Connection;
  drop(): Promise<void>;
}

/** Why MariaDB suites are skipped here, or null when a server answered. */
export type MysqlAvailability = { database: TestMysqlDatabase; skipped: null } | { database: null; skipped: string };

/**
 * A fresh MariaDB/MySQL database for one test file, created next to `TEST_MYSQL_URL` (whose
 * database name must contain "test") and dropped afterwards. With no server reachable the suite is
 * skipped with the reason printed — except under `CI=true`, where a missing service fails the run.
 */
export async function createTestMysqlDatabase(env: TestEnvironment = testEnvironment()): Promise<MysqlAvailability> {
  const base = new URL(env.TEST_MYSQL_URL || DEFAULT_TEST_MYSQL_URL);
  const baseName = base.pathname.replace(/^\//, '');
  if (!/test/i.test(baseName)) throw new Error(`Refusing to run tests against MySQL database "${baseName}": its name must contain "test"`);
  const options = {
    host: base.hostname,
    port: Number(base.port || 3306),
    user: decodeURIComponent(base.username || 'root'),
    password: base.password ? decodeURIComponent(base.password) : undefined,
  };
  let admin: Connection;
  try {
    admin = await createConnection({ ...options, connectTimeout: 3000 });
  } catch (error) {
    const reason = `MariaDB at ${base.host} unreachable (${(error as Error).message})`;
    if (env.CI === 'true') throw new Error(`${reason}: required under CI=true`);
    console.warn(`${reason}; skipping the MariaDB suite`);
    return { database: null, skipped: reason };
  }
  const name = `tributary_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  const connection = await createConnection({ ...options, database: name, multipleStatements: true, supportBigNumbers: true, bigNumberStrings: true });
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    skipped: null,
    database: {
      url: url.toString(),
      ...options,
      database: name,
      connection,
      async drop() {
        await connection.end().catch(() => undefined);
        await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await admin.end();
      },
    },
  };
}
