import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiKeyEntity, requireRole, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import type { ApiKeyView } from '../api-key.dto.js';
import { findApiKey } from '../api-key-records.js';
import { RevokeApiKey } from './revoke-api-key.command.js';

/** Revoking is final: the key stops working at once (a lost key is replaced, not restored). */
@CommandHandler(RevokeApiKey)
export class RevokeApiKeyHandler implements ICommandHandler<RevokeApiKey> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, id }: RevokeApiKey): Promise<ApiKeyView> {
    const tenant = requireRole(caller, 'owner');
    return withTenant(this.dataSource, tenant, async (manager) => {
      const keys = new TenantRepository(manager, ApiKeyEntity, tenant);
      await findApiKey(keys, id);
      // Revoking twice keeps the first time.
      await keys.update({ id }, { revokedAt: () => 'coalesce(revoked_at, now())' });
      return findApiKey(keys, id);
    });
  }
}
