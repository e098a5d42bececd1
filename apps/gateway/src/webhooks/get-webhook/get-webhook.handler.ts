import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { requireRole, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { GatewayConfig } from '../../gateway.config.js';
import { WebhookEntity } from '../webhook.entity.js';
import type { WebhookView } from '../webhook.dto.js';
import { findWebhook, toWebhookView } from '../webhook-records.js';
import { GetWebhook } from './get-webhook.query.js';

@QueryHandler(GetWebhook)
export class GetWebhookHandler implements IQueryHandler<GetWebhook> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: GatewayConfig,
  ) {}

  async execute({ caller, id }: GetWebhook): Promise<WebhookView> {
    const tenant = requireRole(caller, 'read_only');
    return withTenant(this.dataSource, tenant, async (manager) =>
      toWebhookView(await findWebhook(new TenantRepository(manager, WebhookEntity, tenant), id), this.config.PUBLIC_URL),
    );
  }
}
