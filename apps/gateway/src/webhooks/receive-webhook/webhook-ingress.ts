import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { isTributaryError, isUuid, jsonNestsDeeperThan, payloadTooDeep, TributaryError, type ErrorCode } from '@tributary/domain';
import { continueTrace, endSpan, openServerSpan, spansEnabled, withSpan, type Span, type TraceContext } from '@tributary/messaging';
import { codedError, OUTAGE_RETRY_AFTER_SECONDS, STATUS_OF_KIND } from '@tributary/edge';
import { Metrics } from '@tributary/observability';
import { parsePayload } from '@tributary/topics';
import { Counter } from 'prom-client';
import { Subject } from 'rxjs';
import { GatewayConfig } from '../../gateway.config.js';
import { IngestLog } from '../../ingest/ingest-log.js';
import { RATE_LIMITER, type RateLimiter } from '../rate-limits/rate-limiter.js';
import { decoyVerifierFor } from '../verifiers/verifiers.js';
import type { IncomingDelivery } from '../verifiers/webhook-verifier.js';
import { activeKeys, refusal, WebhookDirectory, type ResolvedWebhook } from './webhook-directory.js';
import { IngestBatcher } from './ingest-batcher.js';

export const INGRESS_PATH = /^\/webhooks\/([^/?#]+)\/?(?:\?(.*))?$/;
const ROUTE = '/webhooks/:webhookId';
const METHODS = ['GET', 'HEAD', 'POST'];
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** One delivery as answered: what the operator page lists (refusals are stored nowhere else). */
export interface DeliveryAnswer {
  readonly at: string;
  readonly webhookId: string;
  readonly status: number;
  /** The error code of a refusal. */
  readonly code: string | null;
  /** The event an accepted delivery became (the original one for a repeat). */
  readonly eventId: string | null;
  readonly traceId: string;
}

/** An answer that is not 202: status, code, message and extra headers. */
class Rejection extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** What the ingress learned of a delivery on its way to the answer: what the ingest log records. */
interface Seen {
  body?: Buffer;
  /** The verified delivery id. */
  messageId?: string;
  topic?: string;
  /** The webhook's verification scheme, once the webhook is found. */
  verifier?: string;
  /** The delivery's server span, when tracing is on (ended with the answer). */
  span?: Span;
}

// Decoy secrets: an unknown webhook is verified against one, so it costs what a wrong secret costs.
const DECOY_KEYS = [{ key: Buffer.from('decoy-key-of-an-unknown-webhook!'), expiresAt: null }];

/**
 * The ingress contract on `/webhooks/:webhookId`, served straight from node:http ahead of the Nest
 * pipeline (the management API keeps express and Nest): at thousands of deliveries a second the
 * framework's per-request work would cost more than verifying and storing. The order of checks is
 * part of the contract: what can be answered without knowing the webhook (405, 413, 415) is, the
 * same way for every id; then the signature, with unknown ids verified against a decoy so 404
 * costs what 401 does; only an authenticated sender learns anything about the webhook (403, 405
 * for its scheme's methods, 429, 400).
 */
@Injectable()
export class WebhookIngress {
  private readonly logger = new Logger('WebhookIngress');
  private readonly bodyLimit: number;
  private readonly outcomes: Counter<'verifier' | 'status' | 'code'>;
  /** Every answer this replica gives, as it is given. */
  readonly answered$ = new Subject<DeliveryAnswer>();

  constructor(
    private readonly config: GatewayConfig,
    private readonly webhooks: WebhookDirectory,
    private readonly batcher: IngestBatcher,
    private readonly metrics: Metrics,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    private readonly ingestLog: IngestLog,
  ) {
    this.bodyLimit = config.bodyLimitBytes;
    this.outcomes = new Counter({
      name: 'tributary_webhook_deliveries_total',
      help: "Webhook deliveries answered, by the webhook's verifier (none when no webhook was found), status and code (accepted, repeat, or the refusal's error code)",
      labelNames: ['verifier', 'status', 'code'],
      registers: [metrics.registry],
    });
  }

  /** Whether the request is a delivery (everything else goes to the Nest application). */
  claims(request: IncomingMessage): boolean {
    return request.url !== undefined && request.url.startsWith('/webhooks/') && INGRESS_PATH.test(request.url);
  }

  handle(request: IncomingMessage, response: ServerResponse): void {
    const started = performance.now();
    const traced = spansEnabled() ? openServerSpan(`${request.method ?? 'GET'} ${ROUTE}`, header(request, 'traceparent'), { 'http.request.method': request.method ?? 'GET', 'http.route': ROUTE }) : undefined;
    const trace = traced?.trace ?? continueTrace(header(request, 'traceparent'));
    response.setHeader('x-trace-id', trace.traceId);
    const [, rawId, query] = INGRESS_PATH.exec(request.url!)!;
    const webhookId = safeDecode(rawId);
    const seen: Seen = traced ? { span: traced.span } : {};
    const receive = () => this.receive(request, webhookId, new URLSearchParams(query ?? ''), trace, seen);
    (traced ? withSpan(traced.span, receive) : receive()).then(
      (accepted) => this.answer(request, response, started, trace, webhookId, 202, { eventId: accepted.eventId, traceId: trace.traceId }, accepted, seen),
      (error: unknown) => this.reject(request, response, started, trace, webhookId, error, seen),
    );
  }

  private async receive(request: IncomingMessage, webhookId: string, query: URLSearchParams, trace: TraceContext, seen: Seen) {
    const method = request.method ?? 'GET';
    if (!METHODS.includes(method)) {
      request.resume();
      throw new Rejection(405, 'method_not_allowed', `${method} is not allowed here`, { allow: METHODS.join(', ') });
    }
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > this.bodyLimit) throw new Rejection(413, 'payload_too_large', `Body exceeds ${this.config.WEBHOOK_BODY_LIMIT}`);
    const contentType = request.headers['content-type'];
    const hasBody = declared > 0 || request.headers['transfer-encoding'] !== undefined;
    if (method === 'POST' && hasBody && !(contentType && JSON_TYPE.test(contentType))) {
      request.resume();
      throw new Rejection(415, 'unsupported_media_type', 'Deliveries must be application/json');
    }
    const body = await readBody(request, this.bodyLimit, this.config.WEBHOOK_BODY_LIMIT);
    seen.body = method === 'GET' ? Buffer.from(withoutToken(query)) : body;
    const delivery: IncomingDelivery = { method, headers: request.headers, body, query };

    const now = Date.now();
    const cached = this.webhooks.cached(webhookId, now);
    const webhook = cached !== undefined ? cached : isUuid(webhookId) ? await this.webhooks.find(webhookId) : null;
    if (webhook) seen.verifier = webhook.verifier.scheme;
    const messageId = this.verify(webhook, delivery, now);
    seen.messageId = messageId;
    if (!webhook) throw new Rejection(404, 'webhook_not_found', 'No such webhook');

    if (!webhook.verifier.methods.includes(method)) {
      throw new Rejection(405, 'method_not_allowed', `${webhook.verifier.scheme} webhooks are called with ${webhook.verifier.methods.join(' or ')}`, {
        allow: webhook.verifier.methods.join(', '),
      });
    }
    const refused = refusal(webhook, now);
    if (refused) throw refused;
    await this.limit(webhook);
    const payload = parsePayload(webhook.topic, method === 'GET' ? fromQuery(query) : parseJson(body, this.config.JSON_MAX_DEPTH));
    seen.topic = webhook.topic.name;
    return this.batcher.submit({
      webhookId: webhook.id,
      tenantId: webhook.tenantId,
      messageId,
      topic: webhook.topic,
      payload,
      traceparent: trace.traceparent,
    });
  }

  /** Verifies against the webhook's active secrets, or a decoy when there is no such webhook. */
  private verify(webhook: ResolvedWebhook | null, delivery: IncomingDelivery, now: number): string {
    const verifier = webhook?.verifier ?? decoyVerifierFor(delivery);
    const keys = webhook ? activeKeys(webhook, now) : DECOY_KEYS;
    try {
      return verifier.verify(delivery, keys, this.config.WEBHOOK_TOLERANCE_SECONDS, Math.floor(now / 1000));
    } catch (error) {
      if (!webhook) throw new Rejection(404, 'webhook_not_found', 'No such webhook');
      throw error;
    }
  }

  private async limit(webhook: ResolvedWebhook): Promise<void> {
    const own = await this.limiter.take(`w:${webhook.id}`, webhook.rateLimitPerSecond ?? this.config.WEBHOOK_RATE_LIMIT_PER_SECOND);
    if (!own.allowed) throw tooMany('This webhook', own.retryAfterSeconds);
    const tenant = await this.limiter.take(`t:${webhook.tenantId}`, webhook.tenantRateLimitPerSecond ?? this.config.TENANT_RATE_LIMIT_PER_SECOND);
    if (!tenant.allowed) throw tooMany("This webhook's tenant", tenant.retryAfterSeconds);
  }

  private reject(request: IncomingMessage, response: ServerResponse, started: number, trace: TraceContext, webhookId: string, error: unknown, seen: Seen): void {
    let status = 500;
    let code = 'internal';
    let message = 'Internal error';
    let headers: Record<string, string> = {};
    const coded = error instanceof Rejection ? undefined : codedError(error);
    if (error instanceof Rejection) {
      ({ status, code, message, headers } = error);
    } else if (coded && coded.kind !== 'internal') {
      ({ code, message } = coded);
      status = STATUS_OF_KIND[coded.kind];
    } else {
      this.logger.error({ err: error, traceId: trace.traceId, webhookId }, 'delivery failed');
    }
    // The sender retries a 503 (Standard Webhooks senders do); nothing of this delivery was stored.
    if (status === 503) {
      headers = { ...headers, 'retry-after': String(OUTAGE_RETRY_AFTER_SECONDS) };
      if (coded !== error) this.logger.warn({ err: error, traceId: trace.traceId, webhookId }, 'dependency unavailable');
    }
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    // A rejected body may still be arriving: close the connection rather than read it.
    if (!request.complete) response.setHeader('connection', 'close');
    const details = isTributaryError(error) && error.details ? { details: error.details } : {};
    this.answer(request, response, started, trace, webhookId, status, { error: { code, message, ...details }, traceId: trace.traceId }, undefined, seen);
  }

  private answer(
    request: IncomingMessage,
    response: ServerResponse,
    started: number,
    trace: TraceContext,
    webhookId: string,
    status: number,
    body: object,
    accepted: { eventId: string; created: boolean } | undefined,
    seen: Seen,
  ): void {
    const json = JSON.stringify(body);
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
    response.end(json);
    if (seen.span) {
      seen.span.setAttribute('http.response.status_code', status);
      if (accepted) seen.span.setAttribute('tributary.event_id', accepted.eventId);
      endSpan(seen.span, status >= 500 ? new Error(`answered ${status}`) : undefined);
    }
    const seconds = (performance.now() - started) / 1000;
    const method = request.method ?? 'GET';
    this.metrics.httpRequests.inc({ method, route: ROUTE, status: String(status) });
    const code = accepted ? (accepted.created ? 'accepted' : 'repeat') : (body as { error: { code: string } }).error.code;
    this.outcomes.inc({ verifier: seen.verifier ?? 'none', status: String(status), code });
    this.metrics.httpDuration.observe({ method, route: ROUTE }, seconds);
    const line = {
      traceId: trace.traceId,
      webhookId: webhookId.slice(0, 64),
      status,
      ms: Math.round(seconds * 10_000) / 10,
      ...(accepted ? { eventId: accepted.eventId, repeat: !accepted.created } : { code: (body as { error: { code: string } }).error.code }),
    };
    this.answered$.next({
      at: new Date().toISOString(),
      webhookId: webhookId.slice(0, 100),
      status,
      code: accepted ? null : (body as { error: { code: string } }).error.code,
      eventId: accepted?.eventId ?? null,
      traceId: trace.traceId,
    });
    this.ingestLog.record({
      webhookId,
      sourceIp: request.socket.remoteAddress ?? null,
      extId: seen.messageId ?? claimedDeliveryId(request),
      body: seen.body ?? EMPTY,
      contentType: header(request, 'content-type')?.slice(0, 200) ?? null,
      topic: accepted ? (seen.topic ?? null) : null,
      status,
      errorCode: accepted ? null : (body as { error: { code: string } }).error.code,
      eventId: accepted?.eventId ?? null,
      receivedAt: new Date(),
      traceId: trace.traceId,
      durationMs: Math.round(seconds * 10_000) / 10,
    });
    if (status >= 500) this.logger.error(line, 'delivery failed');
    else this.logger.log(line, status === 202 ? 'delivery accepted' : 'delivery rejected');
  }
}

const tooMany = (who: string, retryAfterSeconds: number) =>
  new Rejection(429, 'rate_limited', `${who} exceeds its rate limit; retry after ${retryAfterSeconds} s`, { 'retry-after': String(retryAfterSeconds) });

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const EMPTY = Buffer.alloc(0);

/** A refused delivery's id, as its sender claims it (unverified): what finds its retries in the ingest log. */
function claimedDeliveryId(request: IncomingMessage): string | null {
  return (header(request, 'webhook-id') ?? header(request, 'x-github-delivery'))?.slice(0, 200) ?? null;
}

/** A GET delivery's query string as the ingest log keeps it: without the token. */
function withoutToken(query: URLSearchParams): string {
  const kept = new URLSearchParams(query);
  kept.delete('token');
  return kept.toString();
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function readBody(request: IncomingMessage, limit: number, limitText: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.off('data', onData);
        request.resume();
        reject(new Rejection(413, 'payload_too_large', `Body exceeds ${limitText}`));
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    request.once('error', reject);
  });
}

function parseJson(body: Buffer, maxDepth: number): unknown {
  if (jsonNestsDeeperThan(body, maxDepth)) {
    const { code, message } = payloadTooDeep(maxDepth);
    throw new TributaryError('invalid', code, message);
  }
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new TributaryError('invalid', 'invalid_json', 'Body is not valid JSON');
  }
}

/** A GET delivery's payload: its query parameters but the token (the first value of a repeated name). */
function fromQuery(query: URLSearchParams): Record<string, string> {
  const payload: Record<string, string> = {};
  for (const [name, value] of query) if (name !== 'token' && !(name in payload)) payload[name] = value;
  return payload;
}
