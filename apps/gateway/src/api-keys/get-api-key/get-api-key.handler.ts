import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiKeyEntity, requireRole, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import type { ApiKeyView } from '../api-key.dto.js';
import { findApiKey } from '../api-key-records.js';
import { GetApiKey } from './get-api-key.query.js';

@QueryHandler(GetApiKey)
export class GetApiKeyHandler implements IQueryHandler<GetApiKey> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, id }: GetApiKey): Promise<ApiKeyView> {
    const tenant = requireRole(caller, 'read_only');
    return withTenant(this.dataSource, tenant, (manager) => findApiKey(new TenantRepository(manager, ApiKeyEntity, tenant), id));
  }
}
