import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { usageError } from './cli-error.js';

export const DEFAULT_GATEWAY_URL = 'http://localhost:3000';
export const DEFAULT_WORKER_URL = 'http://localhost:3003';
export const DEFAULT_EVENT_STORE_URL = 'http://localhost:3001';
/** Where `npm start` leaves the platform admin key, relative to the working directory. */
export const ADMIN_KEY_FILE = join('.tributary', 'admin-key');

export interface CliConfig {
  /** The gateway's base URL, without a trailing slash. */
  readonly gatewayUrl: string;
  /** The integration worker's base URL (dead letters, deployments, actions), without a trailing slash. */
  readonly workerUrl: string;
  /** The event store's base URL (projection admin), without a trailing slash. */
  readonly eventStoreUrl: string;
  /** The platform admin key, or undefined when neither the variable nor the key file provides one. */
  readonly adminKey: string | undefined;
  /** A tenant's API key (`TRIBUTARY_API_KEY`), for the commands that act inside a tenant. */
  readonly apiKey: string | undefined;
}

/**
 * The CLI's configuration: `TRIBUTARY_URL`, `TRIBUTARY_WORKER_URL`, `TRIBUTARY_EVENT_STORE_URL`, `TRIBUTARY_ADMIN_KEY`
 * (falling back to the key file) and `TRIBUTARY_API_KEY` (a tenant's key).
 * Validated by hand rather than with class-validator: a one-shot CLI should not load the server stack.
 */
export function loadCliConfig(env: Record<string, string | undefined>, cwd: string): CliConfig {
  return {
    gatewayUrl: baseUrl(env, 'TRIBUTARY_URL', DEFAULT_GATEWAY_URL),
    workerUrl: baseUrl(env, 'TRIBUTARY_WORKER_URL', DEFAULT_WORKER_URL),
    eventStoreUrl: baseUrl(env, 'TRIBUTARY_EVENT_STORE_URL', DEFAULT_EVENT_STORE_URL),
    adminKey: env.TRIBUTARY_ADMIN_KEY?.trim() || readAdminKeyFile(cwd),
    apiKey: env.TRIBUTARY_API_KEY?.trim() || undefined,
  };
}

/** An app's base URL from `name` (or its default), checked and without a trailing slash. */
function baseUrl(env: Record<string, string | undefined>, name: string, fallback: string): string {
  const url = env[name]?.trim() || fallback;
  if (!isHttpUrl(url)) throw usageError('config_invalid', `${name} must be an http(s) URL, got "${url}"`);
  return url.replace(/\/+$/, '');
}

function readAdminKeyFile(cwd: string): string | undefined {
  try {
    return readFileSync(join(cwd, ADMIN_KEY_FILE), 'utf8').trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw usageError('config_invalid', `Cannot read ${ADMIN_KEY_FILE}: ${(error as Error).message}`);
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
