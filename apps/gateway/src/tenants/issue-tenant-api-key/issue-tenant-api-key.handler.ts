import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiKeys, requirePlatformAdmin, TenantContext } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import type { ApiKeyCreatedView } from '../../api-keys/api-key.dto.js';
import { issueApiKey } from '../../api-keys/api-key-records.js';
import { findTenant } from '../tenant-records.js';
import { IssueTenantApiKey } from './issue-tenant-api-key.command.js';

@CommandHandler(IssueTenantApiKey)
export class IssueTenantApiKeyHandler implements ICommandHandler<IssueTenantApiKey> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly apiKeys: ApiKeys,
  ) {}

  async execute({ caller, tenantId, input }: IssueTenantApiKey): Promise<ApiKeyCreatedView> {
    requirePlatformAdmin(caller);
    return this.dataSource.transaction(async (manager) => {
      const tenant = await findTenant(manager, tenantId);
      return issueApiKey(manager, this.apiKeys, TenantContext.trusted(tenant.id, 'platform-admin'), { name: input.name, role: input.role, userId: null });
    });
  }
}
