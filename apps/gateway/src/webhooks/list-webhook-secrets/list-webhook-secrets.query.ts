import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { WebhookSecretView } from '../webhook.dto.js';

/** A webhook's secrets: ids, expiry, whether active (never their values). */
export class ListWebhookSecrets extends Query<WebhookSecretView[]> {
  constructor(
    readonly caller: Principal,
    readonly webhookId: string,
  ) {
    super();
  }
}
