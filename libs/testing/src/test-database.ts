import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startEmbeddedPostgres } from '@tributary/database';
import { testEnvironment, type TestEnvironment } from './test.config.js';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  readonly url: string;
  /** 'server' for a real PostgreSQL, 'embedded' for the PGlite fallback. */
  readonly kind: 'server' | 'embedded';
  drop(): Promise<void>;
}

/** Refuses any database whose name does not say it is a test one: tests create and drop freely. */
export function assertTestDatabase(url: string): void {
  const name = new URL(url).pathname.replace(/^\//, '');
  if (!/test/i.test(name)) {
    throw new Error(`Refusing to run tests against database "${name}": its name must contain "test"`);
  }
}

let fallbackReported = false;

/**
 * A fresh database for one test file: created next to `TEST_DATABASE_URL` on a real server and
 * dropped afterwards. With no server reachable it falls back to an in-memory PGlite — except under
 * `CI=true`, where a missing service must fail the run instead of silently testing less.
 */
export async function createTestDatabase(env: TestEnvironment = testEnvironment()): Promise<TestDatabase> {
  const baseUrl = env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
  assertTestDatabase(baseUrl);
  const admin = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    await admin.end().catch(() => undefined);
    if (env.CI === 'true') {
      throw new Error(`PostgreSQL at ${baseUrl} is required under CI=true: ${(error as Error).message}`);
    }
    if (!fallbackReported) {
      fallbackReported = true;
      console.warn(`PostgreSQL at ${baseUrl} unreachable (${(error as Error).message}); using embedded PGlite`);
    }
    const embedded = await startEmbeddedPostgres();
    return { url: embedded.url, kind: 'embedded', drop: () => embedded.stop() };
  }
  const name = `tributary_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    kind: 'server',
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
