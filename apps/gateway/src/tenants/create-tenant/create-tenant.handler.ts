import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { requirePlatformAdmin, TenantEntity, Tenants } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import type { TenantCreatedView } from '../tenant.dto.js';
import { findTenant, toTenantView } from '../tenant-records.js';
import { CreateTenant } from './create-tenant.command.js';

/** Tenants are created by the platform admin only (never unauthenticated), each with its first owner key. */
@CommandHandler(CreateTenant)
export class CreateTenantHandler implements ICommandHandler<CreateTenant> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tenants: Tenants,
  ) {}

  async execute({ caller, input }: CreateTenant): Promise<TenantCreatedView> {
    requirePlatformAdmin(caller);
    return this.dataSource.transaction(async (manager) => {
      const created = await this.tenants.create(manager, input.name);
      if (input.rateLimitPerSecond) await manager.update(TenantEntity, { id: created.id }, { rateLimitPerSecond: input.rateLimitPerSecond });
      return { ...toTenantView(await findTenant(manager, created.id)), apiKey: created.apiKey };
    });
  }
}
