import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { CreateWebhookBody } from './create-webhook.dto.js';
import type { WebhookCreatedView } from '../webhook.dto.js';

/** Creates a webhook for an app of the caller's tenant, with its first secret (member). */
export class CreateWebhook extends Command<WebhookCreatedView> {
  constructor(
    readonly caller: Principal,
    readonly input: CreateWebhookBody,
  ) {
    super();
  }
}
