import { usageError } from './cli-error.js';
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

/** The event store's projection admin API, called with the platform admin key. */
export class EventStoreClient {
  constructor(private readonly config: CliConfig) {}

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
