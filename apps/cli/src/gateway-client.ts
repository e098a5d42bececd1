import type { ErrorCode } from '@tributary/domain';
import { CliError, EXIT_FAILED, usageError } from './cli-error.js';
import { ADMIN_KEY_FILE, type CliConfig } from './cli.config.js';

const TIMEOUT_MS = 30_000;

export interface HttpAnswer {
  readonly status: number;
  /** The parsed JSON body, or the raw text when the body is not JSON. */
  readonly body: unknown;
}

/** Who a call is made as: the platform admin key, or the tenant key of `TRIBUTARY_API_KEY`. */
export type Caller = 'admin' | 'tenant';

/** The management API: JSON in, JSON out, errors as the API wrote them. */
export class GatewayClient {
  constructor(private readonly config: CliConfig) {}

  get = <T = unknown>(caller: Caller, path: string) => this.call<T>(caller, 'GET', path);
  post = <T = unknown>(caller: Caller, path: string, body: object) => this.call<T>(caller, 'POST', path, body);
  patch = <T = unknown>(caller: Caller, path: string, body: object) => this.call<T>(caller, 'PATCH', path, body);
  put = <T = unknown>(caller: Caller, path: string, body: object) => this.call<T>(caller, 'PUT', path, body);
  delete = <T = unknown>(caller: Caller, path: string) => this.call<T>(caller, 'DELETE', path);

  private async call<T>(caller: Caller, method: string, path: string, body?: object): Promise<T> {
    const answer = await request(method, `${this.config.gatewayUrl}${path}`, body === undefined ? undefined : JSON.stringify(body), {
      authorization: `Bearer ${this.keyOf(caller)}`,
    });
    if (!isSuccess(answer)) throw apiError(answer);
    return answer.body as T;
  }

  /** Where and how a WebSocket to `path` is opened as the tenant (`tributary listen`): its ws(s) URL and Authorization. */
  tenantWebSocket(path: string): { url: string; authorization: string } {
    return { url: `${this.config.gatewayUrl.replace(/^http/, 'ws')}${path}`, authorization: `Bearer ${this.keyOf('tenant')}` };
  }

  private keyOf(caller: Caller): string {
    if (caller === 'admin') {
      if (!this.config.adminKey) throw usageError('admin_key_missing', `No admin key: set TRIBUTARY_ADMIN_KEY or write it to ./${ADMIN_KEY_FILE}`);
      return this.config.adminKey;
    }
    if (!this.config.apiKey) throw usageError('api_key_missing', "No tenant API key: set TRIBUTARY_API_KEY to one of the tenant's keys");
    return this.config.apiKey;
  }
}

/** POSTs a JSON body and reads the answer whatever its status; only an unreachable server throws. */
export const post = (url: string, body: string, headers: Record<string, string> = {}) => request('POST', url, body, headers);

/** Sends a request and reads the answer whatever its status; only an unreachable `service` throws (`<service>_unreachable`). */
export async function request(
  method: string,
  url: string,
  body: string | undefined,
  headers: Record<string, string>,
  service: 'gateway' | 'event_store' = 'gateway',
): Promise<HttpAnswer> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new CliError(EXIT_FAILED, `${service}_unreachable`, `Cannot reach ${new URL(url).origin}: ${reasonOf(error)}`);
  }
  const text = await response.text();
  return { status: response.status, body: parseJson(text) ?? text };
}

export const isSuccess = (answer: HttpAnswer) => answer.status >= 200 && answer.status < 300;

/** The API's own `{ error: { code, message }, traceId }`, kept as is, with the HTTP status added. */
export function apiError({ status, body }: HttpAnswer): CliError {
  const { error, traceId } = (typeof body === 'object' && body !== null ? body : {}) as {
    error?: { code?: unknown; message?: unknown };
    traceId?: unknown;
  };
  const code = typeof error?.code === 'string' ? (error.code as ErrorCode) : (`http_${status}` as const);
  const message = typeof error?.message === 'string' ? error.message : `The server answered ${status}`;
  return new CliError(EXIT_FAILED, code, message, { status, ...(typeof traceId === 'string' ? { traceId } : {}) });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
