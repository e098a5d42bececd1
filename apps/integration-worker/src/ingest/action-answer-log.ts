import { Injectable } from '@nestjs/common';
import { isTributaryError } from '@tributary/domain';
import { BatchedLog, deliveryKey, INGEST_BODY_LIMIT, sha256Hex } from '@tributary/ingest';
import { uuidv7 } from '@tributary/messaging';
import { DataSource } from 'typeorm';
import type { HandlerHttp, HttpAnswer, HttpRequest } from '../sdk/integration-handler.js';

/**
 * Whose call an answer came to: the action, how long what it serves from that answer is valid (a data action's
 * fetch), and for a run of an action its run and message.
 */
export interface AnswerSource {
  readonly tenantId: string;
  readonly actionId: string;
  /** `integration.method` (the entry's topic). */
  readonly method: string;
  /** Valid from the answer on for this long (a data route's validForSeconds); null: no validity (a run's answers). */
  readonly validForSeconds: number | null;
  /** The run whose call it was (`worker.runs.id`); null for a data action's fetch. */
  readonly runId?: string | null;
  /** The message that run ran for. */
  readonly messageId?: string | null;
}

interface Row {
  readonly id: string;
  readonly tenantId: string;
  readonly actionId: string;
  readonly sourceIp: string;
  readonly extId: string;
  readonly contentHash: string;
  bodyHex: string | null;
  readonly bodySize: number;
  readonly contentType: string | null;
  readonly validFrom: string | null;
  readonly validUntil: string | null;
  readonly topic: string;
  readonly status: number;
  readonly errorCode: string | null;
  readonly key: string;
  readonly receivedAt: string;
  readonly runId: string | null;
  readonly messageId: string | null;
}

/** How often buffered answers are written (one statement per flush, none when idle). */
export const ACTION_ANSWER_FLUSH_MS = 1_000;

// SQL: ingest log batch — unnest arrays, ON CONFLICT DO NOTHING on the natural key, one statement per flush (no ORM form).
const INSERT_ANSWERS = `INSERT INTO worker.ingest_log
      (id, tenant_id, actor_kind, actor_id, source_ip, ext_id, content_hash, body, body_size, content_type, valid_from, valid_until,
       topic, status, error_code, delivery_key, received_at, run_id, message_id)
    SELECT k.id, k.tenant_id, 'action', k.action_id::text, k.source_ip, k.ext_id, k.content_hash, decode(k.body, 'hex'), k.body_size,
           k.content_type, k.valid_from, k.valid_until, k.topic, k.status, k.error_code, k.delivery_key, k.received_at, k.run_id, k.message_id
      FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::text[],
                  $10::timestamptz[], $11::timestamptz[], $12::text[], $13::int[], $14::text[], $15::text[], $16::timestamptz[],
                  $17::uuid[], $18::uuid[])
           AS k(id, tenant_id, action_id, source_ip, ext_id, content_hash, body, body_size, content_type, valid_from, valid_until,
                topic, status, error_code, delivery_key, received_at, run_id, message_id)
    ON CONFLICT (tenant_id, delivery_key) DO NOTHING`;

/**
 * The worker's ingest log (`worker.ingest_log`, the gateway's shape): every answer an upstream gave an action —
 * a data action's fetch, or a run of an action (by topic, schedule or hand) through its `context.http` — its status,
 * body (or hash and size over the limit), the address it came from and the URL (without its query: it may carry a
 * credential), the method, the validity of what a fetch served from it, and a run's run and message ids. Written in
 * batches off the hot path (BatchedLog): `recording` wraps a handler's HTTP client and only buffers. A call that got
 * no answer (a timeout, an unreachable host, a refused address) leaves no entry: there was nothing to keep.
 */
@Injectable()
export class ActionAnswerLog extends BatchedLog<Row> {
  constructor(private readonly dataSource: DataSource) {
    super(dataSource, { name: 'ActionAnswerLog', flushMs: ACTION_ANSWER_FLUSH_MS });
  }

  /** `http`, with each answer it gets (a failure with a status too) kept in the log for `source`. */
  recording(http: HandlerHttp, source: AnswerSource): HandlerHttp {
    return {
      request: async (request: HttpRequest): Promise<HttpAnswer> => {
        try {
          const answer = await http.request(request);
          this.record(source, request.url, answer.remoteAddress, answer.status, answer.headers['content-type'] ?? null, answer.body, null);
          return answer;
        } catch (error) {
          // The client throws for an answer it does not accept (4xx, or 429/5xx after its attempts), with its status.
          if (isTributaryError(error) && typeof error.details?.status === 'number') {
            const from = typeof error.details.remoteAddress === 'string' ? error.details.remoteAddress : undefined;
            this.record(source, request.url, from, error.details.status, null, undefined, error.code);
          }
          throw error;
        }
      },
    };
  }

  private record(
    source: AnswerSource,
    rawUrl: string,
    remoteAddress: string | undefined,
    status: number,
    contentType: string | null,
    body: unknown,
    errorCode: string | null,
  ): void {
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      return;
    }
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    const bytes = Buffer.from(text, 'utf8');
    const receivedAt = new Date();
    const valid = errorCode === null && status < 300 && source.validForSeconds !== null;
    const id = uuidv7();
    this.push({
      id,
      tenantId: source.tenantId,
      actionId: source.actionId,
      // The address connected to; the URL's host when the client could not tell (no socket address).
      sourceIp: remoteAddress ?? url.host,
      extId: `${url.origin}${url.pathname}`,
      contentHash: sha256Hex(bytes),
      // A token answer (OAuth) is a credential: kept by hash and size only, as a body over the limit.
      bodyHex: bytes.length <= INGEST_BODY_LIMIT && !holdsToken(body) && this.roomForBodies() ? bytes.toString('hex') : null,
      bodySize: bytes.length,
      contentType,
      validFrom: valid ? receivedAt.toISOString() : null,
      validUntil: valid ? new Date(receivedAt.getTime() + source.validForSeconds! * 1000).toISOString() : null,
      topic: source.method,
      status,
      errorCode,
      // Each answer is its own entry; the key only makes a batch written again one row.
      key: deliveryKey(['action', source.actionId, id]),
      receivedAt: receivedAt.toISOString(),
      runId: source.runId ?? null,
      messageId: source.messageId ?? null,
    });
  }

  protected async write(rows: Row[]): Promise<void> {
    await this.dataSource.query(INSERT_ANSWERS, [
      rows.map((r) => r.id),
      rows.map((r) => r.tenantId),
      rows.map((r) => r.actionId),
      rows.map((r) => r.sourceIp),
      rows.map((r) => r.extId),
      rows.map((r) => r.contentHash),
      rows.map((r) => r.bodyHex),
      rows.map((r) => r.bodySize),
      rows.map((r) => r.contentType),
      rows.map((r) => r.validFrom),
      rows.map((r) => r.validUntil),
      rows.map((r) => r.topic),
      rows.map((r) => r.status),
      rows.map((r) => r.errorCode),
      rows.map((r) => r.key),
      rows.map((r) => r.receivedAt),
      rows.map((r) => r.runId),
      rows.map((r) => r.messageId),
    ]);
  }
}

/** OAuth's token fields (RFC 6749 §5.1, OpenID Connect): an answer with one is a credential, whose body is not kept. */
const TOKEN_FIELDS = ['access_token', 'refresh_token', 'id_token'];

function holdsToken(body: unknown): boolean {
  if (typeof body === 'string') return TOKEN_FIELDS.some((field) => body.includes(`"${field}"`));
  return typeof body === 'object' && body !== null && TOKEN_FIELDS.some((field) => field in body);
}
