import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { requireRole, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { paginate } from '../../pagination/keyset-pagination.js';
import type { Page } from '../../pagination/page.dto.js';
import { IntegrationEntity } from '../integration.entity.js';
import type { IntegrationView } from '../integration.dto.js';
import { toIntegrationView, withAppIds } from '../integration-records.js';
import { ListIntegrations } from './list-integrations.query.js';

@QueryHandler(ListIntegrations)
export class ListIntegrationsHandler implements IQueryHandler<ListIntegrations> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, page }: ListIntegrations): Promise<Page<IntegrationView>> {
    const tenant = requireRole(caller, 'read_only');
    return withTenant(this.dataSource, tenant, (manager) =>
      paginate(withAppIds(new TenantRepository(manager, IntegrationEntity, tenant).query('i')), 'i', page, toIntegrationView),
    );
  }
}
