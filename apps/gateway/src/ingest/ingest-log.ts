import { Injectable } from '@nestjs/common';
import { isUuid } from '@tributary/domain';
import { BatchedLog, deliveryKey, INGEST_BODY_LIMIT, sha256Hex } from '@tributary/ingest';
import { uuidv7 } from '@tributary/messaging';
import { DataSource } from 'typeorm';

/** A webhook delivery as answered, for the ingest log. */
export interface AnsweredDelivery {
  /** The webhook id of the URL (any string: entries of ids that are no webhook are dropped at the flush). */
  readonly webhookId: string;
  readonly sourceIp: string | null;
  /** The delivery id: verified for an accepted delivery, as the sender claimed it for a refusal. */
  readonly extId: string | null;
  readonly body: Buffer;
  readonly contentType: string | null;
  /** The topic it fed (accepted deliveries only). */
  readonly topic: string | null;
  readonly status: number;
  readonly errorCode: string | null;
  readonly eventId: string | null;
  readonly receivedAt: Date;
  /** The trace id the answer carried. */
  readonly traceId: string | null;
  /** How long the answer took, in milliseconds. */
  readonly durationMs: number | null;
}

interface Row {
  readonly id: string;
  readonly webhookId: string;
  readonly sourceIp: string | null;
  readonly extId: string | null;
  readonly contentHash: string;
  /** Hex; null once over the limit (or dropped under memory pressure). */
  bodyHex: string | null;
  readonly bodySize: number;
  readonly contentType: string | null;
  readonly topic: string | null;
  readonly status: number;
  readonly errorCode: string | null;
  readonly eventId: string | null;
  readonly key: string;
  readonly receivedAt: string;
  readonly traceId: string | null;
  readonly durationMs: number | null;
}

/** How often buffered entries are written (one statement per flush, none when idle). */
export const INGEST_FLUSH_MS = 1_000;

// SQL: ingest log batch — unnest arrays joined to the webhooks for the tenant, ON CONFLICT DO NOTHING on the natural key, one statement per flush (no ORM form).
const INSERT_DELIVERIES = `INSERT INTO gateway.ingest_log
      (id, tenant_id, actor_kind, actor_id, source_ip, ext_id, content_hash, body, body_size, content_type, topic, status, error_code, event_id, delivery_key, received_at, trace_id, duration_ms)
    SELECT k.id, w.tenant_id, 'webhook', k.webhook_id::text, k.source_ip, k.ext_id, k.content_hash, decode(k.body, 'hex'), k.body_size,
           k.content_type, k.topic, k.status, k.error_code, k.event_id, k.delivery_key, k.received_at, k.trace_id, k.duration_ms
      FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[], $10::int[],
                  $11::text[], $12::uuid[], $13::text[], $14::timestamptz[],
                  $15::text[], $16::real[])
           AS k(id, webhook_id, source_ip, ext_id, content_hash, body, body_size, content_type, topic, status, error_code, event_id, delivery_key, received_at,
                trace_id, duration_ms)
      JOIN gateway.webhooks w ON w.id = k.webhook_id
    ON CONFLICT (tenant_id, delivery_key) DO NOTHING`;

/**
 * Writes answered webhook deliveries to the ingest log in batches, off the ingress hot path: `record` only buffers
 * (the answer is already sent), and a timer writes what gathered in one statement (BatchedLog). The tenant is the
 * webhook's, joined in that statement, so an id that is no webhook (404) leaves no entry. At least once: a failed
 * flush keeps its entries for the next; the natural key (webhook, delivery id, content hash, answer) makes a
 * rewritten entry — or a retried delivery answered the same way — one row. What is buffered when the process dies is lost.
 */
@Injectable()
export class IngestLog extends BatchedLog<Row> {
  constructor(private readonly dataSource: DataSource) {
    super(dataSource, { name: 'IngestLog', flushMs: INGEST_FLUSH_MS });
  }

  record(delivery: AnsweredDelivery): void {
    if (!isUuid(delivery.webhookId)) return;
    const contentHash = sha256Hex(delivery.body);
    const keepBody = delivery.body.length <= INGEST_BODY_LIMIT && this.roomForBodies();
    this.push({
      id: uuidv7(),
      webhookId: delivery.webhookId,
      sourceIp: delivery.sourceIp,
      extId: delivery.extId,
      contentHash,
      bodyHex: keepBody ? delivery.body.toString('hex') : null,
      bodySize: delivery.body.length,
      contentType: delivery.contentType,
      topic: delivery.topic,
      status: delivery.status,
      errorCode: delivery.errorCode,
      eventId: delivery.eventId,
      key: deliveryKey(['webhook', delivery.webhookId, delivery.extId, contentHash, delivery.status, delivery.errorCode]),
      receivedAt: delivery.receivedAt.toISOString(),
      traceId: delivery.traceId,
      durationMs: delivery.durationMs,
    });
  }

  protected async write(rows: Row[]): Promise<void> {
    await this.dataSource.query(INSERT_DELIVERIES, [
      rows.map((r) => r.id),
      rows.map((r) => r.webhookId),
      rows.map((r) => r.sourceIp),
      rows.map((r) => r.extId),
      rows.map((r) => r.contentHash),
      rows.map((r) => r.bodyHex),
      rows.map((r) => r.bodySize),
      rows.map((r) => r.contentType),
      rows.map((r) => r.topic),
      rows.map((r) => r.status),
      rows.map((r) => r.errorCode),
      rows.map((r) => r.eventId),
      rows.map((r) => r.key),
      rows.map((r) => r.receivedAt),
      rows.map((r) => r.traceId),
      rows.map((r) => r.durationMs),
    ]);
  }
}
