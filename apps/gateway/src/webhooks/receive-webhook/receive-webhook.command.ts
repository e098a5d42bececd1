import { Command } from '@nestjs/cqrs';
import type { StandardWebhookHeaders } from './standard-webhooks.js';

export interface WebhookAccepted {
  readonly eventId: string;
  /** False when the delivery repeats an earlier `webhook-id`: the original event is answered. */
  readonly created: boolean;
}

export class ReceiveWebhook extends Command<WebhookAccepted> {
  constructor(
    readonly webhookId: string,
    readonly headers: StandardWebhookHeaders,
    readonly body: Buffer,
    readonly traceparent: string,
  ) {
    super();
  }
}
