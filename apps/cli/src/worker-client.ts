import { CliError, EXIT_FAILED, usageError } from './cli-error.js';
import { ADMIN_KEY_FILE, type CliConfig } from './cli.config.js';
import { apiError, isSuccess, type HttpAnswer } from './gateway-client.js';

const TIMEOUT_MS = 30_000;

/**
 * Who a call is made as: `admin` — the admin key, or without one the tenant key of `TRIBUTARY_API_KEY` (which sees
 * only its tenant); `tenant` — the tenant key only (routes that act inside a tenant: the ingest log, a data action).
 */
export type WorkerCaller = 'admin' | 'tenant';

/** The integration worker's API (dead letters, deployments, actions, runs, the ingest log). */
export class WorkerClient {
  constructor(private readonly config: CliConfig) {}

  async get<T>(path: string, query: Record<string, string | undefined> = {}, as: WorkerCaller = 'admin'): Promise<T> {
    const answer = await this.send('GET', withQuery(path, query), as);
    if (!isSuccess(answer)) throw apiError(answer);
    return answer.body as T;
  }

  async post<T>(path: string, body: object = {}): Promise<T> {
    const answer = await this.send('POST', path, 'admin', body);
    if (!isSuccess(answer)) throw apiError(answer);
    return answer.body as T;
  }

  /** Any call as `as` (default the tenant key: the routes that act inside a tenant, deployments, schedules, tracking). */
  async call<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT', path: string, body?: object, as: WorkerCaller = 'tenant'): Promise<T> {
    const answer = await this.send(method, path, as, body);
    if (!isSuccess(answer)) throw apiError(answer);
    return answer.body as T;
  }

  /** A GET answered whatever its status (only an unreachable worker throws): for answers whose status is the point. */
  getAnswer(path: string, query: Record<string, string | undefined>, as: WorkerCaller): Promise<HttpAnswer> {
    return this.send('GET', withQuery(path, query), as);
  }

  private keyOf(as: WorkerCaller): string {
    if (as === 'tenant') {
      if (!this.config.apiKey) throw usageError('api_key_missing', "No tenant API key: set TRIBUTARY_API_KEY to one of the tenant's keys");
      return this.config.apiKey;
    }
    const key = this.config.adminKey ?? this.config.apiKey;
    if (!key) throw usageError('admin_key_missing', `No key: set TRIBUTARY_ADMIN_KEY (or write it to ./${ADMIN_KEY_FILE}) or TRIBUTARY_API_KEY`);
    return key;
  }

  private async send(method: 'GET' | 'POST' | 'PATCH' | 'PUT', path: string, as: WorkerCaller, body?: object): Promise<HttpAnswer> {
    const { workerUrl } = this.config;
    const key = this.keyOf(as);
    let response: Response;
    try {
      response = await fetch(`${workerUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new CliError(EXIT_FAILED, 'worker_unreachable', `Cannot reach ${workerUrl}: ${cause}`);
    }
    const text = await response.text();
    return { status: response.status, body: parse(text) ?? text };
  }
}

function withQuery(path: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined));
  return params.size > 0 ? `${path}?${params}` : path;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
