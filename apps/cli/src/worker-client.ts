import { CliError, EXIT_FAILED, usageError } from './cli-error.js';
import { ADMIN_KEY_FILE, type CliConfig } from './cli.config.js';
import { apiError, isSuccess, type HttpAnswer } from './gateway-client.js';

const TIMEOUT_MS = 30_000;

/**
 * The integration worker's API (dead letters, deployments, actions, runs), called with the admin key —
 * or, without one, with the tenant key of `TRIBUTARY_API_KEY` (which sees only its tenant).
 */
export class WorkerClient {
  constructor(private readonly config: CliConfig) {}

  get<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> {
    const params = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined));
    const search = params.size > 0 ? `?${params}` : '';
    return this.call<T>('GET', `${path}${search}`);
  }

  post<T>(path: string, body: object = {}): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
    const { workerUrl } = this.config;
    const adminKey = this.config.adminKey ?? this.config.apiKey;
    if (!adminKey) {
      throw usageError('admin_key_missing', `No key: set TRIBUTARY_ADMIN_KEY (or write it to ./${ADMIN_KEY_FILE}) or TRIBUTARY_API_KEY`);
    }
    let response: Response;
    try {
      response = await fetch(`${workerUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${adminKey}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new CliError(EXIT_FAILED, 'worker_unreachable', `Cannot reach ${workerUrl}: ${cause}`);
    }
    const text = await response.text();
    const answer: HttpAnswer = { status: response.status, body: parse(text) ?? text };
    if (!isSuccess(answer)) throw apiError(answer);
    return answer.body as T;
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
