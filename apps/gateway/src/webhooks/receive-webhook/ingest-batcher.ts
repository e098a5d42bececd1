import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { TributaryError } from '@tributary/domain';
import { MessagePublisher, uuidv7, type OutgoingMessage } from '@tributary/messaging';
import type { TopicDefinition } from '@tributary/topics';
import { DataSource } from 'typeorm';
import { GatewayConfig } from '../../gateway.config.js';

export interface WebhookAccepted {
  readonly eventId: string;
  /** False when the delivery repeats an earlier message id: the original event is answered. */
  readonly created: boolean;
}

export interface Delivery {
  readonly webhookId: string;
  readonly tenantId: string;
  /** The sender's `webhook-id` (or what identifies a delivery in the webhook's scheme). */
  readonly messageId: string;
  readonly topic: TopicDefinition;
  readonly payload: object;
  readonly traceparent: string;
}

interface Pending {
  readonly delivery: Delivery;
  readonly message: OutgoingMessage;
  readonly eventId: string;
  resolve(accepted: WebhookAccepted): void;
  reject(error: unknown): void;
}

const MAX_BATCH = 256;
const key = (webhookId: string, messageId: string) => `${webhookId}\u0000${messageId}`;

// SQL: ingress hot path — unnest arrays and ON CONFLICT ... DO UPDATE with a condition, in the batch's one statement (no ORM form).
// The idempotency receipts of a batch, claimed in (webhook, message id) order so that two batches
// claiming the same ids (two replicas) wait on each other in one direction only. A receipt older than the window
// is taken over, as if it had been swept. Yields the events whose receipt was claimed.
const CLAIM_RECEIPTS = `INSERT INTO gateway.webhook_receipts AS r (webhook_id, message_id, event_id)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[]) AS k(webhook_id, message_id, event_id)
      ORDER BY k.webhook_id, k.message_id
     ON CONFLICT (webhook_id, message_id) DO UPDATE SET event_id = excluded.event_id, received_at = now()
       WHERE r.received_at < now() - make_interval(secs => $4)
     RETURNING event_id AS id`;

/**
 * Stores verified deliveries durably, many per transaction: while one batch commits, the next
 * gathers, so under load one commit (one fsync) serves dozens of webhooks, and alone a delivery
 * waits for nothing. Batches are stored one after the other, so each key's messages keep the order
 * their deliveries arrived in. A batch is one statement — receipts claimed and messages appended
 * together, in autocommit: one round trip, one transaction — so a delivery is answered only after
 * its receipt and its event have committed, together; a failed batch fails each of its deliveries,
 * and nothing of it is stored.
 */
@Injectable()
export class IngestBatcher implements OnApplicationShutdown {
  private queue: Pending[] = [];
  private flushing?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: MessagePublisher,
    private readonly config: GatewayConfig,
  ) {}

  submit(delivery: Delivery): Promise<WebhookAccepted> {
    const eventId = uuidv7();
    return new Promise((resolve, reject) => {
      this.queue.push({ delivery, message: toMessage(delivery, eventId), eventId, resolve, reject });
      this.flushing ??= this.drain();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flushing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        await this.store(batch).then(
          (answers) => batch.forEach((p, i) => (answers[i] instanceof Error ? p.reject(answers[i]) : p.resolve(answers[i]))),
          (error) => batch.forEach((p) => p.reject(error)),
        );
      }
    } finally {
      this.flushing = undefined;
    }
  }

  /**
   * One statement: claim each (webhook, message id) once and publish the winners' events; then
   * answer repeats with the event of the receipt that was there first.
   */
  private async store(batch: Pending[]): Promise<(WebhookAccepted | TributaryError)[]> {
    const first = new Map<string, Pending>();
    for (const p of batch) {
      const k = key(p.delivery.webhookId, p.delivery.messageId);
      if (!first.has(k)) first.set(k, p);
    }
    const claims = [...first.values()];
    const published = await this.publisher.publishClaimed(
      this.dataSource,
      claims.map((p) => p.message),
      {
        sql: CLAIM_RECEIPTS,
        parameters: [
          claims.map((p) => p.delivery.webhookId),
          claims.map((p) => p.delivery.messageId),
          claims.map((p) => p.eventId),
          this.config.WEBHOOK_IDEMPOTENCY_WINDOW_SECONDS,
        ],
      },
    );
    const created = new Set(published.map((e) => e.id));
    const elsewhere = [...first].filter(([, p]) => !created.has(p.eventId)).map(([k]) => k);
    const originals = await this.originalEvents(elsewhere.map((k) => first.get(k)!.delivery));
    return batch.map((p) => {
      const k = key(p.delivery.webhookId, p.delivery.messageId);
      const winner = first.get(k)!;
      if (created.has(winner.eventId)) return winner === p ? { eventId: p.eventId, created: true } : { eventId: winner.eventId, created: false };
      const original = originals.get(k);
      // Swept in the instant between claim and lookup (it was at the very end of the window).
      if (!original) return new TributaryError('unavailable', 'receipt_unavailable', 'The original delivery is no longer remembered; retry');
      return { eventId: original, created: false };
    });
  }

  /** A repeated `webhook-id` is answered with the event its first delivery made (committed: its claim waited for it). */
  private async originalEvents(repeats: Delivery[]): Promise<Map<string, string>> {
    if (repeats.length === 0) return new Map();
    // SQL: ingress hot path — a join on unnest arrays, one statement for the batch's repeats (no ORM form).
    const rows = await this.dataSource.query<{ webhook_id: string; message_id: string; event_id: string }[]>(
      `SELECT r.webhook_id, r.message_id, r.event_id FROM gateway.webhook_receipts r
         JOIN unnest($1::uuid[], $2::text[]) AS k(webhook_id, message_id)
           ON r.webhook_id = k.webhook_id AND r.message_id = k.message_id`,
      [repeats.map((d) => d.webhookId), repeats.map((d) => d.messageId)],
    );
    return new Map(rows.map((r) => [key(r.webhook_id, r.message_id), r.event_id]));
  }
}

const toMessage = (delivery: Delivery, eventId: string): OutgoingMessage => ({
  topic: delivery.topic,
  data: delivery.payload,
  origin: { id: eventId, tenantId: delivery.tenantId, traceparent: delivery.traceparent },
});
