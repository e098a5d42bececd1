import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiKeyEntity, requireRole, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { paginate } from '../../pagination/keyset-pagination.js';
import type { Page } from '../../pagination/page.dto.js';
import type { ApiKeyView } from '../api-key.dto.js';
import { toApiKeyView, withEffectiveRole } from '../api-key-records.js';
import { ListApiKeys } from './list-api-keys.query.js';

@QueryHandler(ListApiKeys)
export class ListApiKeysHandler implements IQueryHandler<ListApiKeys> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, page }: ListApiKeys): Promise<Page<ApiKeyView>> {
    const tenant = requireRole(caller, 'read_only');
    return withTenant(this.dataSource, tenant, (manager) =>
      paginate(withEffectiveRole(new TenantRepository(manager, ApiKeyEntity, tenant).query('k')), 'k', page, toApiKeyView),
    );
  }
}
