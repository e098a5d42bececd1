import { CliError, EXIT_FAILED, usageError } from './cli-error.js';
import { ADMIN_KEY_FILE, type CliConfig } from './cli.config.js';
import { apiError, isSuccess, request } from './gateway-client.js';

export interface RebuildStatus {
  readonly status: 'building' | 'done' | 'failed';
  readonly reason: string;
  readonly targetVersion: number;
  readonly processed: number;
  readonly total: number;
  readonly error: string | null;
}

/** What the event store's admin API says about a projection (GET /v1/projections/{name}). */
export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly liveVersion: number;
  readonly state: 'live' | 'rebuilding' | 'stale';
  readonly lag: number;
  readonly rebuild: RebuildStatus | null;
  readonly [field: string]: unknown;
}

/** How long the event store may take to answer a request's head (a streamed body then takes as long as it takes). */
const HEAD_TIMEOUT_MS = 30_000;

/**
 * The event store's API for the CLI: the projection admin routes (the platform admin key) and a tenant's
 * streamed reads (TRIBUTARY_API_KEY).
 */
export class EventStoreClient {
  constructor(private readonly config: CliConfig) {}

  /**
   * A tenant's GET whose body the caller streams (the product feed): the answer once its head is in, its body
   * unread. 2xx and 304 are answered; any other status is the API's error (read, it is small); an event store that
   * does not answer is `event_store_unreachable`.
   */
  async tenantStream(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const { apiKey, eventStoreUrl } = this.config;
    if (!apiKey) throw usageError('api_key_missing', "No tenant API key: set TRIBUTARY_API_KEY to one of the tenant's keys");
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error(`no answer within ${HEAD_TIMEOUT_MS / 1000} s`)), HEAD_TIMEOUT_MS);
    let response: Response;
    try {
      response = await fetch(`${eventStoreUrl}${path}`, { headers: { ...headers, authorization: `Bearer ${apiKey}` }, signal: abort.signal });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(EXIT_FAILED, 'event_store_unreachable', `Cannot reach ${new URL(eventStoreUrl).origin}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
    if (isSuccess({ status: response.status, body: undefined }) || response.status === 304) return response;
    const text = await response.text().catch(() => '');
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not the platform's error body: apiError names the status
    }
    throw apiError({ status: response.status, body });
  }

  /** A tenant's call (TRIBUTARY_API_KEY): the log's streams and events, the packages projection. */
  async tenant<T>(method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
    const { apiKey, eventStoreUrl } = this.config;
    if (!apiKey) throw usageError('api_key_missing', "No tenant API key: set TRIBUTARY_API_KEY to one of the tenant's keys");
    const answer = await request(method, `${eventStoreUrl}${path}`, body === undefined ? undefined : JSON.stringify(body), { authorization: `Bearer ${apiKey}` }, 'event_store');
    if (!isSuccess(answer)) throw apiError(answer);
    return answer.body as T;
  }

  projections(): Promise<ProjectionStatus[]> {
    return this.admin('GET', '/v1/projections');
  }

  projection(name: string): Promise<ProjectionStatus> {
    return this.admin('GET', `/v1/projections/${encodeURIComponent(name)}`);
  }

  rebuild(name: string, restart: boolean): Promise<ProjectionStatus> {
    return this.admin('POST', `/v1/projections/${encodeURIComponent(name)}/rebuild`, { restart });
  }

  private async admin<T>(method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
    const { adminKey, eventStoreUrl } = this.config;
    if (!adminKey) {
      throw usageError('admin_key_missing', `No admin key: set TRIBUTARY_ADMIN_KEY or write it to ./${ADMIN_KEY_FILE}`);
    }
    const answer = await request(method, `${eventStoreUrl}${path}`, body === undefined ? undefined : JSON.stringify(body), { authorization: `Bearer ${adminKey}` }, 'event_store');
    if (!isSuccess(answer)) throw apiError(answer);
    return answer.body as T;
  }
}
