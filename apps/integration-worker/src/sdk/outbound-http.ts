import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { TributaryError } from '@tributary/domain';
import { NonRetryable } from '@tributary/messaging';
import type { HandlerHttp, HttpAnswer, HttpRequest } from './integration-handler.js';

export interface OutboundHttpOptions {
  /** Sent as `Idempotency-Key` unless the request sets its own. */
  readonly idempotencyKey: string;
  /** Loopback, private, link-local and other non-public addresses are refused unless this is true. */
  readonly allowPrivateNetwork: boolean;
  readonly userAgent?: string;
  /** Longest wait honoured from a Retry-After header. */
  readonly maxRetryAfterMs?: number;
}

const MAX_BODY = 5 * 1024 * 1024;

/** Addresses an integration must not reach unless its deployment allows it (SSRF guard). */
export function isPrivateAddress(address: string): boolean {
  if (isIP(address) === 6) {
    const a = address.toLowerCase();
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
    if (mapped) return isPrivateAddress(mapped[1]);
    return a === '::' || a === '::1' || /^f[cd]/.test(a) || /^fe[89ab]/.test(a) || a.startsWith('ff');
  }
  const [a, b] = address.split('.').map(Number);
  return (
    a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || a >= 224
  );
}

/**
 * The outbound HTTP client handlers use: JSON in and out, a timeout per attempt, retries of network
 * failures, 429 and 5xx with backoff or the server's Retry-After, the run's Idempotency-Key on every
 * attempt, and the private-address guard applied to the address actually connected to (checked in
 * the socket's DNS lookup, so a name that resolves differently later cannot slip past it).
 */
export class OutboundHttp implements HandlerHttp {
  constructor(private readonly options: OutboundHttpOptions) {}

  async request(request: HttpRequest): Promise<HttpAnswer> {
    const url = parseUrl(request.url);
    // An address literal is connected to without a lookup: check it here.
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(literal) && !this.options.allowPrivateNetwork && isPrivateAddress(literal)) {
      throw new NonRetryable('address_not_allowed', `${literal} is a private or loopback address; the deployment does not allow those`);
    }
    const attempts = Math.max(1, request.attempts ?? 3);
    for (let attempt = 1; ; attempt++) {
      let answer: HttpAnswer | undefined;
      let failure: unknown;
      try {
        answer = await this.once(url, request);
      } catch (error) {
        if (error instanceof TributaryError && !error.retryable) throw error;
        failure = error;
      }
      const retryable = answer === undefined || answer.status === 429 || answer.status >= 500;
      if (!retryable) return this.accept(answer!);
      if (attempt >= attempts) {
        if (answer) throw new TributaryError('unavailable', 'upstream_unavailable', `${url.host} answered ${answer.status}`, { status: answer.status });
        if (failure instanceof AttemptTimedOut) {
          throw new TributaryError('unavailable', 'upstream_timeout', `${url.host} did not answer within ${failure.timeoutMs} ms (${attempts} attempts)`, {
            timeoutMs: failure.timeoutMs,
            attempts,
          });
        }
        throw new TributaryError('unavailable', 'upstream_unreachable', `${url.host}: ${(failure as Error).message}`);
      }
      await sleep(this.delayBefore(attempt, answer));
    }
  }

  private accept(answer: HttpAnswer): HttpAnswer {
    if (answer.status >= 400) {
      throw new NonRetryable('upstream_rejected', `The external service answered ${answer.status}`, { status: answer.status });
    }
    return answer;
  }

  /** Retry-After (seconds or an HTTP date) when the server sent one, else exponential backoff with jitter. */
  private delayBefore(attempt: number, answer: HttpAnswer | undefined): number {
    const cap = this.options.maxRetryAfterMs ?? 30_000;
    const header = answer?.headers['retry-after'];
    if (header) {
      const seconds = Number(header);
      const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
      if (Number.isFinite(ms)) return Math.min(cap, Math.max(0, ms));
    }
    return Math.round(Math.random() * Math.min(cap, 200 * 2 ** (attempt - 1)));
  }

  private once(url: URL, request: HttpRequest): Promise<HttpAnswer> {
    const body = request.json === undefined ? undefined : Buffer.from(JSON.stringify(request.json));
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.options.userAgent ?? 'tributary-integration-worker',
      'idempotency-key': this.options.idempotencyKey,
      ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}),
      ...lowerCase(request.headers ?? {}),
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const timeoutMs = request.timeoutMs ?? 10_000;
    return new Promise<HttpAnswer>((resolve, reject) => {
      let timedOut = false;
      const settle = <T>(done: (value: T) => void) => (value: T) => {
        clearTimeout(deadline);
        done(value);
      };
      // However the attempt ends once the deadline hit (a socket error, an aborted body), it timed out.
      const fail = settle((error: unknown) => reject(timedOut ? new AttemptTimedOut(timeoutMs) : error));
      const outgoing = send(url, { method: request.method ?? (body ? 'POST' : 'GET'), headers, lookup: this.guardedLookup() }, (response) => {
        readBody(response).then(settle(resolve), fail);
      });
      // The whole attempt — connecting, the answer and its body — within the timeout: a server that
      // never answers, or trickles its body, does not hold the handler.
      const deadline = setTimeout(() => {
        timedOut = true;
        outgoing.destroy(new AttemptTimedOut(timeoutMs));
      }, timeoutMs);
      outgoing.on('error', fail);
      outgoing.end(body);
    });
  }

  private guardedLookup(): LookupFunction {
    const allow = this.options.allowPrivateNetwork;
    return ((hostname: string, options: object, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void) => {
      dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
        if (error) return callback(error, []);
        const list = addresses as LookupAddress[];
        const refused = !allow && list.some((a) => isPrivateAddress(a.address));
        if (refused) {
          return callback(new NonRetryable('address_not_allowed', `${hostname} resolves to a private or loopback address; the deployment does not allow those`), []);
        }
        if ((options as { all?: boolean }).all) return callback(null, list);
        callback(null, list[0].address, list[0].family);
      });
    }) as LookupFunction;
  }
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new NonRetryable('url_invalid', 'The request URL is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new NonRetryable('url_invalid', 'Only http and https URLs are called');
  return url;
}

function readBody(response: IncomingMessage): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) response.destroy(new Error('answer too large'));
      else chunks.push(chunk);
    });
    response.on('error', reject);
    response.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      if (/json/i.test(String(response.headers['content-type'] ?? ''))) {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      const headers = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]));
      resolve({ status: response.statusCode ?? 0, headers, body });
    });
  });
}

/** One attempt that got no complete answer within its timeout. */
class AttemptTimedOut extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

const lowerCase = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
