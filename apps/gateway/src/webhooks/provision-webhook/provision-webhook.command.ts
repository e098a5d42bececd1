import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { ProvisionWebhookBody } from './provision-webhook.dto.js';
import type { WebhookCreatedView } from '../webhook.dto.js';

/** The platform admin provisions a webhook for a tenant (the app may be left out). */
export class ProvisionWebhook extends Command<WebhookCreatedView> {
  constructor(
    readonly caller: Principal,
    readonly tenantId: string,
    readonly input: ProvisionWebhookBody,
  ) {
    super();
  }
}
