import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
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
  readonly eventId: string;
  resolve(accepted: WebhookAccepted): void;
  reject(error: unknown): void;
}

const MAX_BATCH = 256;
const key = (webhookId: string, messageId: string) => `${webhookId}\u0000${messageId}`;

/**
 * Stores verified deliveries durably, many per transaction: while one batch commits, the next
 * gathers, so under load one commit (one fsync) serves dozens of webhooks, and alone a delivery
 * waits for nothing. A delivery is answered only after its batch has committed; a failed batch
 * fails each of its deliveries, and nothing of it is stored.
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
    return new Promise((resolve, reject) => {
      this.queue.push({ delivery, eventId: uuidv7(), resolve, reject });
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
          (answers) => batch.forEach((p, i) => p.resolve(answers[i])),
          (error) => batch.forEach((p) => p.reject(error)),
        );
      }
    } finally {
      this.flushing = undefined;
    }
  }

  /**
   * One transaction: claim each (webhook, message id) once — a receipt older than the idempotency
   * window is taken over, as if it had been swept — publish the winners, answer repeats with the
   * event of the receipt that was there first.
   */
  private store(batch: Pending[]): Promise<WebhookAccepted[]> {
    return this.dataSource.transaction(async (manager) => {
      const first = new Map<string, Pending>();
      for (const p of batch) {
        const k = key(p.delivery.webhookId, p.delivery.messageId);
        if (!first.has(k)) first.set(k, p);
      }
      const claims = [...first.values()];
      const inserted = await manager.query<{ webhook_id: string; message_id: string }[]>(
        `INSERT INTO gateway.webhook_receipts AS r (webhook_id, message_id, event_id)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[])
         ON CONFLICT (webhook_id, message_id) DO UPDATE SET event_id = excluded.event_id, received_at = now()
           WHERE r.received_at < now() - make_interval(secs => $4)
         RETURNING webhook_id, message_id`,
        [
          claims.map((p) => p.delivery.webhookId),
          claims.map((p) => p.delivery.messageId),
          claims.map((p) => p.eventId),
          this.config.WEBHOOK_IDEMPOTENCY_WINDOW_SECONDS,
        ],
      );
      const fresh = new Set(inserted.map((r) => key(r.webhook_id, r.message_id)));
      const winners = new Map([...first].filter(([k]) => fresh.has(k)));
      await this.publisher.publishAll(manager, [...winners.values()].map(toMessage));
      const repeats = batch.filter((p) => winners.get(key(p.delivery.webhookId, p.delivery.messageId)) !== p);
      const originals = await this.originalEvents(manager, repeats);
      return batch.map((p) => {
        const k = key(p.delivery.webhookId, p.delivery.messageId);
        return winners.get(k) === p ? { eventId: p.eventId, created: true } : { eventId: originals.get(k)!, created: false };
      });
    });
  }

  /** A repeated `webhook-id` is answered with the event its first delivery made. */
  private async originalEvents(
    manager: { query: DataSource['query'] },
    repeats: Pending[],
  ): Promise<Map<string, string>> {
    if (repeats.length === 0) return new Map();
    const rows = await manager.query<{ webhook_id: string; message_id: string; event_id: string }[]>(
      `SELECT r.webhook_id, r.message_id, r.event_id FROM gateway.webhook_receipts r
         JOIN unnest($1::uuid[], $2::text[]) AS k(webhook_id, message_id)
           ON r.webhook_id = k.webhook_id AND r.message_id = k.message_id`,
      [repeats.map((p) => p.delivery.webhookId), repeats.map((p) => p.delivery.messageId)],
    );
    return new Map(rows.map((r) => [key(r.webhook_id, r.message_id), r.event_id]));
  }
}

const toMessage = (p: Pending): OutgoingMessage => ({
  topic: p.delivery.topic,
  data: p.delivery.payload,
  origin: { id: p.eventId, tenantId: p.delivery.tenantId, traceparent: p.delivery.traceparent },
});
