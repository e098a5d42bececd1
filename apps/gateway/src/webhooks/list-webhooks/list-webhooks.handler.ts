import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { requireRole, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { GatewayConfig } from '../../gateway.config.js';
import { paginate } from '../../pagination/keyset-pagination.js';
import type { Page } from '../../pagination/page.dto.js';
import { WebhookEntity } from '../webhook.entity.js';
import type { WebhookView } from '../webhook.dto.js';
import { toWebhookView } from '../webhook-records.js';
import { ListWebhooks } from './list-webhooks.query.js';

@QueryHandler(ListWebhooks)
export class ListWebhooksHandler implements IQueryHandler<ListWebhooks> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: GatewayConfig,
  ) {}

  async execute({ caller, query }: ListWebhooks): Promise<Page<WebhookView>> {
    const tenant = requireRole(caller, 'read_only');
    return withTenant(this.dataSource, tenant, (manager) => {
      const webhooks = new TenantRepository(manager, WebhookEntity, tenant).query('w');
      if (query.appId) webhooks.andWhere('w.app_id = :appId', { appId: query.appId });
      return paginate(webhooks, 'w', query, (webhook) => toWebhookView(webhook, this.config.PUBLIC_URL));
    });
  }
}
