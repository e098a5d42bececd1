import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TributaryError } from '@tributary/domain';
import { ApiKeys, requireRole, TenantRepository, UserEntity, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { notFound } from '../../management-api/not-found.js';
import type { ApiKeyCreatedView } from '../api-key.dto.js';
import { issueApiKey } from '../api-key-records.js';
import { CreateApiKey } from './create-api-key.command.js';

/** A service key takes the role given; a user's key acts with the user's role (and dies with the user). */
@CommandHandler(CreateApiKey)
export class CreateApiKeyHandler implements ICommandHandler<CreateApiKey> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly apiKeys: ApiKeys,
  ) {}

  async execute({ caller, input }: CreateApiKey): Promise<ApiKeyCreatedView> {
    const tenant = requireRole(caller, 'owner');
    return withTenant(this.dataSource, tenant, async (manager) => {
      if (!input.userId) {
        if (!input.role) throw new TributaryError('invalid', 'validation_failed', 'role is required for a key without a user', { fields: ['role'] });
        return issueApiKey(manager, this.apiKeys, tenant, { name: input.name, role: input.role, userId: null });
      }
      const user = await new TenantRepository(manager, UserEntity, tenant).findOne({ id: input.userId });
      if (!user) throw notFound('user');
      if (user.disabledAt !== null) throw new TributaryError('conflict', 'user_disabled', 'The user is disabled');
      return issueApiKey(manager, this.apiKeys, tenant, { name: input.name, role: user.role, userId: user.id });
    });
  }
}
