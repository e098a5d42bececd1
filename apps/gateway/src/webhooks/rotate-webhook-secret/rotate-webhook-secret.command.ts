import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { RotateSecretBody } from './rotate-webhook-secret.dto.js';
import type { WebhookSecretCreatedView } from '../webhook.dto.js';

/** Rotates a webhook's secret: a new one, active at once; the current ones expire after the overlap (member). */
export class RotateWebhookSecret extends Command<WebhookSecretCreatedView> {
  constructor(
    readonly caller: Principal,
    readonly webhookId: string,
    readonly input: RotateSecretBody,
  ) {
    super();
  }
}
