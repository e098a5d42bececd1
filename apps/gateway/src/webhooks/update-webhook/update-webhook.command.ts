import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { UpdateWebhookBody } from './update-webhook.dto.js';
import type { WebhookView } from '../webhook.dto.js';

/** Renames, disables or enables a webhook, or sets its rate limit (member). */
export class UpdateWebhook extends Command<WebhookView> {
  constructor(
    readonly caller: Principal,
    readonly id: string,
    readonly input: UpdateWebhookBody,
  ) {
    super();
  }
}
