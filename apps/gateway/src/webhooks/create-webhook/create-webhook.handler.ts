import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { requireRole, SecretBox, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { GatewayConfig } from '../../gateway.config.js';
import type { WebhookCreatedView } from '../webhook.dto.js';
import { insertWebhook } from '../webhook-records.js';
import { CreateWebhook } from './create-webhook.command.js';

@CommandHandler(CreateWebhook)
export class CreateWebhookHandler implements ICommandHandler<CreateWebhook> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly secrets: SecretBox,
    private readonly config: GatewayConfig,
  ) {}

  async execute({ caller, input }: CreateWebhook): Promise<WebhookCreatedView> {
    const tenant = requireRole(caller, 'member');
    return withTenant(this.dataSource, tenant, (manager) => insertWebhook(manager, tenant, this.secrets, this.config.PUBLIC_URL, input));
  }
}
