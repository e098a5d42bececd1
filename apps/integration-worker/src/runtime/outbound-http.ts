import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { TributaryError } from '@tributary/domain';
import { endSpan, NonRetryable, openSpan, SpanKind, spansEnabled, traceparentOf, withSpan } from '@tributary/messaging';
import ipaddr from 'ipaddr.js';
import type { HandlerHttp, HttpAnswer, HttpRequest } from '../sdk/integration-handler.js';
import { statusClassOf, type OutboundAttemptOutcome } from './outbound-http-metrics.js';

export interface OutboundHttpOptions {
  /** Sent as `Idempotency-Key` unless the request sets its own. */
  readonly idempotencyKey: string;
  /**
   * The trace the calls continue (the handled message's `traceparent`), sent as `traceparent`. Tracing
   * on, each attempt is a client span under the active span and sends that span instead.
   */
  readonly traceparent?: string;
  /** Loopback, private, link-local and other non-public addresses (see isNonPublicAddress) are refused unless this is true. */
  readonly allowPrivateNetwork: boolean;
  readonly userAgent?: string;
  /** Longest wait honoured from a Retry-After header. */
  readonly maxRetryAfterMs?: number;
  /** Told of every attempt sent: the answer's status class, or timeout/error (OutboundHttpMetrics). */
  readonly onAttempt?: (outcome: OutboundAttemptOutcome) => void;
}

const MAX_BODY = 5 * 1024 * 1024;

// IANA allocates global unicast only from 2000::/3: the rest of the v6 space (the v4-compatible ::/96
// among it, which ipaddr.js calls unicast) leads nowhere public.
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');
// Only the well-known NAT64 prefix has its v4 address at a fixed place; the local-use 64:ff9b:1::/48 is refused whole.
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');
// Loopback by definition (RFC 6761): refused without a lookup, which for `localhost.` would go out to DNS.
const LOOPBACK_NAME = /(^|\.)localhost\.?$/i;

/**
 * Whether an integration must not reach `address` unless its deployment allows it (SSRF guard): what
 * ipaddr.js does not classify as unicast, v6 outside global unicast, and v6 that carries a v4 address
 * (IPv4-mapped, NAT64, 6to4) judged by that v4 address. A string that is no address is refused too.
 */
export function isNonPublicAddress(address: string): boolean {
  return !ipaddr.isValid(address) || !isPublic(ipaddr.parse(address));
}

function isPublic(ip: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  if (ip instanceof ipaddr.IPv4) return ip.range() === 'unicast';
  const carried = carriedIPv4(ip);
  if (carried) return isPublic(carried);
  return ip.range() === 'unicast' && ip.match(GLOBAL_UNICAST_V6);
}

/** The v4 address a v6 one is carried on to by the host's stack, a translator or a tunnel. */
function carriedIPv4(ip: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const p = ip.parts;
  if (ip.range() === 'ipv4Mapped' || ip.match(NAT64_WELL_KNOWN)) return ipv4(p[6], p[7]);
  if (ip.range() === '6to4') return ipv4(p[1], p[2]);
  return undefined;
}

const ipv4 = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);

/** Refuses, before any lookup, a host that is a non-public address literal or a localhost name. */
function refuseNonPublicHost(hostname: string): void {
  const host = hostname.replace(/^\[|\]$/g, '');
  // net.isIP: what a socket connects to without a lookup. ipaddr.js: also the octal, hex and short v4
  // spellings a WHATWG URL normalizes, should a host reach here without that.
  const literal = isIP(host) !== 0 || ipaddr.isValid(host);
  if (literal ? isNonPublicAddress(host) : LOOPBACK_NAME.test(host)) {
    throw new NonRetryable('address_not_allowed', `${hostname} is not a public address; the deployment does not allow non-public ones`);
  }
}

/**
 * The outbound HTTP client handlers use: JSON (or a form) out and JSON in, a timeout per attempt, retries of network
 * failures, 429 and 5xx with backoff or the server's Retry-After, the run's Idempotency-Key on every
 * attempt, and the private-address guard applied to the address actually connected to (checked in
 * the socket's DNS lookup, so a name that resolves differently later cannot slip past it).
 */
export class OutboundHttp implements HandlerHttp {
  constructor(private readonly options: OutboundHttpOptions) {}

  async request(request: HttpRequest): Promise<HttpAnswer> {
    const url = parseUrl(request.url);
    // A handler's mistake, found before anything is sent.
    if (request.json !== undefined && request.form !== undefined) throw new TypeError('An outbound request has a JSON body or a form, not both');
    if (!this.options.allowPrivateNetwork) refuseNonPublicHost(url.hostname);
    const attempts = Math.max(1, request.attempts ?? 3);
    for (let attempt = 1; ; attempt++) {
      let answer: HttpAnswer | undefined;
      let failure: unknown;
      try {
        answer = await this.once(url, request);
        this.options.onAttempt?.(statusClassOf(answer.status));
      } catch (error) {
        if (error instanceof TributaryError && !error.retryable) throw error;
        this.options.onAttempt?.(error instanceof AttemptTimedOut ? 'timeout' : 'error');
        failure = error;
      }
      const retryable = answer === undefined || answer.status === 429 || answer.status >= 500;
      if (!retryable) return this.accept(answer!);
      if (attempt >= attempts) {
        if (answer) {
          const retryAfter = answer.headers['retry-after'];
          throw new TributaryError('unavailable', 'upstream_unavailable', `${url.host} answered ${answer.status}`, {
            status: answer.status,
            ...(retryAfter ? { retryAfter } : {}),
            ...addressOf(answer),
          });
        }
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
      throw new NonRetryable('upstream_rejected', `The external service answered ${answer.status}`, { status: answer.status, ...addressOf(answer) });
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
    if (!spansEnabled()) return this.attempt(url, request, this.options.traceparent);
    const method = request.method ?? (request.json !== undefined || request.form !== undefined ? 'POST' : 'GET');
    // The origin only: the path and query of a third party's URL can be its credential (a relay target's).
    const span = openSpan(method, { kind: SpanKind.CLIENT, attributes: { 'http.request.method': method, 'server.address': url.hostname, 'url.full': url.origin } });
    const traceparent = span ? traceparentOf(span) : this.options.traceparent;
    // Active while the call runs: an http instrumentation's client span nests under this one instead of beside it.
    return withSpan(span, () => this.attempt(url, request, traceparent)).then(
      (answer) => {
        span?.setAttribute('http.response.status_code', answer.status);
        endSpan(span);
        return answer;
      },
      (error: unknown) => {
        endSpan(span, error);
        throw error;
      },
    );
  }

  private attempt(url: URL, request: HttpRequest, traceparent: string | undefined): Promise<HttpAnswer> {
    const { body, contentType } = encodeBody(request);
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(traceparent ? { traceparent } : {}),
      'user-agent': this.options.userAgent ?? 'tributary-integration-worker',
      'idempotency-key': this.options.idempotencyKey,
      ...(body ? { 'content-type': contentType, 'content-length': String(body.length) } : {}),
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
        const refused = !allow && list.some((a) => isNonPublicAddress(a.address));
        if (refused) {
          return callback(new NonRetryable('address_not_allowed', `${hostname} resolves to a non-public address; the deployment does not allow those`), []);
        }
        if ((options as { all?: boolean }).all) return callback(null, list);
        callback(null, list[0].address, list[0].family);
      });
    }) as LookupFunction;
  }
}

/** The request's body and its content type: `json` as JSON, `form` URL-encoded (UTF-8, as HTML forms send it). */
function encodeBody(request: HttpRequest): { body?: Buffer; contentType: string } {
  if (request.form !== undefined) return { body: Buffer.from(new URLSearchParams(request.form).toString()), contentType: 'application/x-www-form-urlencoded' };
  if (request.json !== undefined) return { body: Buffer.from(JSON.stringify(request.json)), contentType: 'application/json' };
  return { contentType: '' };
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

/** A refusal's `remoteAddress` detail (where the refused answer came from), when the socket had one. */
const addressOf = (answer: HttpAnswer): { remoteAddress?: string } => (answer.remoteAddress ? { remoteAddress: answer.remoteAddress } : {});

function readBody(response: IncomingMessage): Promise<HttpAnswer> {
  // The peer now: once the body has ended, a socket handed back to the agent may be reused or gone.
  const remoteAddress = response.socket?.remoteAddress;
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
      resolve({ status: response.statusCode ?? 0, headers, body, ...(remoteAddress ? { remoteAddress } : {}) });
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
