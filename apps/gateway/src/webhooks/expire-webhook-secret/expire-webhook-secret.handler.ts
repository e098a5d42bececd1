import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { isUuid, TributaryError } from '@tributary/domain';
import { requireRole, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { NOW } from '../../management-api/column-updates.js';
import { notFound } from '../../management-api/not-found.js';
import { WebhookDirectory } from '../receive-webhook/webhook-directory.js';
import { WebhookSecretEntity } from '../webhook-secret.entity.js';
import { WebhookEntity } from '../webhook.entity.js';
import type { WebhookSecretView } from '../webhook.dto.js';
import { findWebhook, secretViews, unexpired } from '../webhook-records.js';
import { ExpireWebhookSecret } from './expire-webhook-secret.command.js';

/** Ends one secret now (a leaked one); the last active secret cannot be ended: rotate instead. */
@CommandHandler(ExpireWebhookSecret)
export class ExpireWebhookSecretHandler implements ICommandHandler<ExpireWebhookSecret> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: WebhookDirectory,
  ) {}

  async execute({ caller, webhookId, secretId }: ExpireWebhookSecret): Promise<WebhookSecretView> {
    const tenant = requireRole(caller, 'member');
    const expired = await withTenant(this.dataSource, tenant, async (manager) => {
      await findWebhook(new TenantRepository(manager, WebhookEntity, tenant), webhookId);
      const secrets = new TenantRepository(manager, WebhookSecretEntity, tenant);
      const views = await secretViews(secrets, webhookId);
      const target = isUuid(secretId) ? views.find((s) => s.id === secretId) : undefined;
      if (!target) throw notFound('webhook_secret');
      if (target.active && views.filter((s) => s.active).length === 1) {
        throw new TributaryError('conflict', 'last_secret', 'This is the only active secret of the webhook; rotate to replace it');
      }
      await secrets.update({ id: secretId, expiresAt: unexpired() }, { expiresAt: NOW });
      return (await secretViews(secrets, webhookId)).find((s) => s.id === secretId)!;
    });
    this.directory.forget(webhookId);
    return expired;
  }
}
