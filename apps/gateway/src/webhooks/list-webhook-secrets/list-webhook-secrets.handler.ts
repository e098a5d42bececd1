import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { requireRole, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { WebhookSecretEntity } from '../webhook-secret.entity.js';
import { WebhookEntity } from '../webhook.entity.js';
import type { WebhookSecretView } from '../webhook.dto.js';
import { findWebhook, secretViews } from '../webhook-records.js';
import { ListWebhookSecrets } from './list-webhook-secrets.query.js';

/** Never a secret's value: it is in the answer that created it, and nowhere after. */
@QueryHandler(ListWebhookSecrets)
export class ListWebhookSecretsHandler implements IQueryHandler<ListWebhookSecrets> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, webhookId }: ListWebhookSecrets): Promise<WebhookSecretView[]> {
    const tenant = requireRole(caller, 'read_only');
    return withTenant(this.dataSource, tenant, async (manager) => {
      await findWebhook(new TenantRepository(manager, WebhookEntity, tenant), webhookId);
      return secretViews(new TenantRepository(manager, WebhookSecretEntity, tenant), webhookId);
    });
  }
}
