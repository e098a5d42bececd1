import { createConnection } from 'node:net';
import { testEnvironment, type TestEnvironment } from './test.config.js';

export const DEFAULT_TEST_REDIS_URL = 'redis://127.0.0.1:6379';

/** The Redis to test against, or why the Redis cases are skipped here. */
export type RedisAvailability = { url: string; skipped: null } | { url: null; skipped: string };

/**
 * The Redis the suites share limits through (`TEST_REDIS_URL`, default the local one). With none
 * answering, the Redis cases are skipped with the reason printed — except under `CI=true`, where a
 * missing Redis fails the run (as a missing PostgreSQL or MariaDB does). Call it at the top of a
 * test file (`const redis = await testRedis()`) and declare the cases with `redis.url ? it : it.skip`.
 */
export async function testRedis(env: TestEnvironment = testEnvironment()): Promise<RedisAvailability> {
  const url = env.TEST_REDIS_URL || DEFAULT_TEST_REDIS_URL;
  const { hostname, port } = new URL(url);
  const failure = await new Promise<string | null>((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) });
    socket.setTimeout(2000);
    socket.once('connect', () => (socket.destroy(), resolve(null)));
    socket.once('timeout', () => (socket.destroy(), resolve('no answer within 2 s')));
    socket.once('error', (error) => resolve(error.message));
  });
  if (failure === null) return { url, skipped: null };
  const reason = `Redis at ${url} unreachable (${failure})`;
  if (env.CI === 'true') throw new Error(`${reason}: required under CI=true`);
  console.warn(`${reason}; skipping the Redis cases`);
  return { url: null, skipped: reason };
}
