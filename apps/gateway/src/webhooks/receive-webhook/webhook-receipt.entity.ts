import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * `gateway.webhook_receipts`: one row per accepted delivery — the `webhook-id` a sender retries with maps to the
 * event it became. Written and pruned by the ingress's own SQL (the hot path); the entity describes the table.
 */
@Entity({ schema: 'gateway', name: 'webhook_receipts' })
export class WebhookReceiptEntity {
  @PrimaryColumn('uuid', { name: 'webhook_id' })
  webhookId: string;

  @PrimaryColumn('text', { name: 'message_id' })
  messageId: string;

  @Column('uuid', { name: 'event_id' })
  eventId: string;

  @Column('timestamptz', { name: 'received_at' })
  receivedAt: Date;
}
