import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { WebhookSecretView } from '../webhook.dto.js';

/** Ends one secret of a webhook now, e.g. a leaked one (member); the last active secret cannot be ended. */
export class ExpireWebhookSecret extends Command<WebhookSecretView> {
  constructor(
    readonly caller: Principal,
    readonly webhookId: string,
    readonly secretId: string,
  ) {
    super();
  }
}
