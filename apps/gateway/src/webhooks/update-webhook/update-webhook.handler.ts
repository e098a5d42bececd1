import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { requireRole, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { GatewayConfig } from '../../gateway.config.js';
import { disabledAtFor, NOW } from '../../management-api/column-updates.js';
import { WebhookDirectory } from '../receive-webhook/webhook-directory.js';
import { WebhookEntity } from '../webhook.entity.js';
import type { WebhookView } from '../webhook.dto.js';
import { findWebhook, toWebhookView } from '../webhook-records.js';
import { UpdateWebhook } from './update-webhook.command.js';

@CommandHandler(UpdateWebhook)
export class UpdateWebhookHandler implements ICommandHandler<UpdateWebhook> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: WebhookDirectory,
    private readonly config: GatewayConfig,
  ) {}

  async execute({ caller, id, input }: UpdateWebhook): Promise<WebhookView> {
    const tenant = requireRole(caller, 'member');
    const updated = await withTenant(this.dataSource, tenant, async (manager) => {
      const webhooks = new TenantRepository(manager, WebhookEntity, tenant);
      await findWebhook(webhooks, id);
      await webhooks.update(
        { id },
        {
          ...(input.name !== undefined && { name: input.name }),
          ...disabledAtFor(input.enabled),
          // null returns to the platform default; absent keeps the limit.
          ...(input.rateLimitPerSecond !== undefined && { rateLimitPerSecond: input.rateLimitPerSecond }),
          updatedAt: NOW,
        },
      );
      return toWebhookView(await findWebhook(webhooks, id), this.config.PUBLIC_URL);
    });
    this.directory.forget(id);
    return updated;
  }
}
