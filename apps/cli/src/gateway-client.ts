import { CliError, EXIT_FAILED, usageError } from './cli-error.js';
import { ADMIN_KEY_FILE, type CliConfig } from './cli.config.js';

const TIMEOUT_MS = 30_000;

export interface TenantCreated {
  readonly id: string;
  readonly name: string;
  readonly apiKey: string;
}

export interface WebhookCreated {
  readonly id: string;
  readonly tenantId: string;
  readonly topic: string;
  readonly url: string;
  readonly secret: string;
}

export interface HttpAnswer {
  readonly status: number;
  /** The parsed JSON body, or the raw text when the body is not JSON. */
  readonly body: unknown;
}

/** The management API, called with the platform admin key. */
export class GatewayClient {
  constructor(private readonly config: CliConfig) {}

  createTenant(name: string): Promise<TenantCreated> {
    return this.admin('/v1/tenants', { name });
  }

  createWebhook(tenantId: string, topic: string): Promise<WebhookCreated> {
    return this.admin(`/v1/tenants/${encodeURIComponent(tenantId)}/webhooks`, { topic });
  }

  private async admin<T>(path: string, body: object): Promise<T> {
    const { adminKey, gatewayUrl } = this.config;
    if (!adminKey) {
      throw usageError('admin_key_missing', `No admin key: set TRIBUTARY_ADMIN_KEY or write it to ./${ADMIN_KEY_FILE}`);
    }
    const answer = await post(`${gatewayUrl}${path}`, JSON.stringify(body), { authorization: `Bearer ${adminKey}` });
    if (!isSuccess(answer)) throw apiError(answer);
    return answer.body as T;
  }
}

/** POSTs a JSON body and reads the answer whatever its status; only an unreachable server throws. */
export function post(url: string, body: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return request('POST', url, { body, headers });
}

/**
 * Sends a request and reads the answer whatever its status; only an unreachable server throws
 * (`<service>_unreachable`).
 */
export async function request(
  method: 'GET' | 'POST',
  url: string,
  options: { body?: string; headers?: Record<string, string>; service?: string } = {},
): Promise<HttpAnswer> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), accept: 'application/json', ...options.headers },
      body: options.body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new CliError(EXIT_FAILED, `${options.service ?? 'gateway'}_unreachable`, `Cannot reach ${new URL(url).origin}: ${reasonOf(error)}`);
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
  const code = typeof error?.code === 'string' ? error.code : `http_${status}`;
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
