import { createConnection } from 'node:net';
import { testEnvironment } from './test.config.js';

export const DEFAULT_TEST_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * The Redis the suites share limits through (`TEST_REDIS_URL`, default the local one), or undefined
 * when none answers — except under `CI=true`, where a missing Redis fails the run.
 */
export async function testRedisUrl(): Promise<string | undefined> {
  const env = testEnvironment();
  const url = env.TEST_REDIS_URL || DEFAULT_TEST_REDIS_URL;
  const { hostname, port } = new URL(url);
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) });
    socket.setTimeout(2000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
  if (reachable) return url;
  if (env.CI === 'true') throw new Error(`Redis at ${url} is required under CI=true`);
  console.warn(`Redis at ${url} unreachable; skipping the Redis cases`);
  return undefined;
}
