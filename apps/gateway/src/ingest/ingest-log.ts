import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { isUuid } from '@tributary/domain';
import { uuidv7 } from '@tributary/messaging';
import { DataSource } from 'typeorm';
import { deliveryKey, INGEST_BODY_LIMIT, sha256Hex } from './ingest-records.js';

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
}

/** How often buffered entries are written (one statement per flush, none when idle). */
export const INGEST_FLUSH_MS = 1_000;
const MAX_ROWS_PER_STATEMENT = 1_000;
/** Entries kept while the database is unreachable; past it the oldest are dropped (and counted in a warning). */
const MAX_BUFFERED = 20_000;
/** Body bytes kept in memory while waiting; past it new entries keep only hash and size. */
const MAX_BUFFERED_BODY_HEX = 64 * 1024 * 1024;

// SQL: ingest log batch — unnest arrays joined to the webhooks for the tenant, ON CONFLICT DO NOTHING on the natural key, one statement per flush (no ORM form).
const INSERT_DELIVERIES = `INSERT INTO gateway.ingest_log
      (id, tenant_id, actor_kind, actor_id, source_ip, ext_id, content_hash, body, body_size, content_type, topic, status, error_code, event_id, delivery_key, received_at)
    SELECT k.id, w.tenant_id, 'webhook', k.webhook_id::text, k.source_ip, k.ext_id, k.content_hash, decode(k.body, 'hex'), k.body_size,
           k.content_type, k.topic, k.status, k.error_code, k.event_id, k.delivery_key, k.received_at
      FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[], $10::int[],
                  $11::text[], $12::uuid[], $13::text[], $14::timestamptz[])
           AS k(id, webhook_id, source_ip, ext_id, content_hash, body, body_size, content_type, topic, status, error_code, event_id, delivery_key, received_at)
      JOIN gateway.webhooks w ON w.id = k.webhook_id
    ON CONFLICT (tenant_id, delivery_key) DO NOTHING`;

/**
 * Writes answered webhook deliveries to the ingest log in batches, off the ingress hot path: `record` only buffers
 * (the answer is already sent), and a timer writes what gathered in one statement. The tenant is the webhook's,
 * joined in that statement, so an id that is no webhook (404) leaves no entry. At least once: a failed flush keeps
 * its entries for the next; the natural key (webhook, delivery id, content hash, answer) makes a rewritten entry —
 * or a retried delivery answered the same way — one row. What is buffered when the process dies is lost.
 */
@Injectable()
export class IngestLog implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('IngestLog');
  private buffer: Row[] = [];
  private bufferedHex = 0;
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  /** Since the last flush that failed: an outage is logged once, and its end. */
  private failing = false;

  constructor(private readonly dataSource: DataSource) {}

  record(delivery: AnsweredDelivery): void {
    if (!isUuid(delivery.webhookId)) return;
    const contentHash = sha256Hex(delivery.body);
    const keepBody = delivery.body.length <= INGEST_BODY_LIMIT && this.bufferedHex < MAX_BUFFERED_BODY_HEX;
    const bodyHex = keepBody ? delivery.body.toString('hex') : null;
    this.bufferedHex += bodyHex?.length ?? 0;
    this.buffer.push({
      id: uuidv7(),
      webhookId: delivery.webhookId,
      sourceIp: delivery.sourceIp,
      extId: delivery.extId,
      contentHash,
      bodyHex,
      bodySize: delivery.body.length,
      contentType: delivery.contentType,
      topic: delivery.topic,
      status: delivery.status,
      errorCode: delivery.errorCode,
      eventId: delivery.eventId,
      key: deliveryKey(['webhook', delivery.webhookId, delivery.extId, contentHash, delivery.status, delivery.errorCode]),
      receivedAt: delivery.receivedAt.toISOString(),
    });
    if (this.buffer.length > MAX_BUFFERED) this.drop(this.buffer.length - MAX_BUFFERED);
  }

  /** Writes everything buffered so far (also what the timer does); resolves when it is stored or kept for a retry. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.flush().catch((error: unknown) => this.logger.error({ err: error }, 'ingest log flush failed'));
    }, INGEST_FLUSH_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Deliveries answered while the server closed. */
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.flush();
  }

  /**
   * Writes what was buffered when the flush began; what arrives meanwhile waits for the next one, so that under
   * load a flush stays one statement (not one per commit round trip, as the ingest batcher does for its answers).
   */
  private async drain(): Promise<void> {
    let remaining = this.buffer.length;
    while (remaining > 0) {
      const batch = this.buffer.splice(0, Math.min(remaining, MAX_ROWS_PER_STATEMENT));
      remaining -= batch.length;
      try {
        await this.write(batch);
        for (const row of batch) this.bufferedHex -= row.bodyHex?.length ?? 0;
        if (this.failing) this.logger.log({ buffered: this.buffer.length }, 'ingest log written again');
        this.failing = false;
      } catch (error) {
        this.buffer.unshift(...batch);
        if (!this.failing) this.logger.warn({ err: error, buffered: this.buffer.length }, 'ingest log flush failed; kept for the next');
        this.failing = true;
        return;
      }
    }
  }

  private async write(rows: Row[]): Promise<void> {
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
    ]);
  }

  private drop(count: number): void {
    const dropped = this.buffer.splice(0, count);
    for (const row of dropped) this.bufferedHex -= row.bodyHex?.length ?? 0;
    this.logger.warn({ dropped: dropped.length }, 'ingest log buffer full: oldest entries dropped');
  }
}
