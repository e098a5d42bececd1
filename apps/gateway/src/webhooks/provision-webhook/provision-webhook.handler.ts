import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { requirePlatformAdmin, SecretBox, TenantContext, TenantEntity, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { GatewayConfig } from '../../gateway.config.js';
import { notFound, requireId } from '../../management-api/not-found.js';
import type { WebhookCreatedView } from '../webhook.dto.js';
import { insertWebhook } from '../webhook-records.js';
import { ProvisionWebhook } from './provision-webhook.command.js';

@CommandHandler(ProvisionWebhook)
export class ProvisionWebhookHandler implements ICommandHandler<ProvisionWebhook> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly secrets: SecretBox,
    private readonly config: GatewayConfig,
  ) {}

  async execute({ caller, tenantId, input }: ProvisionWebhook): Promise<WebhookCreatedView> {
    requirePlatformAdmin(caller);
    const tenant = TenantContext.trusted(requireId('tenant', tenantId), 'platform-admin');
    return withTenant(this.dataSource, tenant, async (manager) => {
      if (!(await manager.exists(TenantEntity, { where: { id: tenantId } }))) throw notFound('tenant');
      return insertWebhook(manager, tenant, this.secrets, this.config.PUBLIC_URL, input);
    });
  }
}
