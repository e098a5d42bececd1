import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { requireRole, TenantEntity, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { NOW } from '../../management-api/column-updates.js';
import type { TenantView } from '../tenant.dto.js';
import { findTenant, toTenantView } from '../tenant-records.js';
import { RenameOwnTenant } from './rename-own-tenant.command.js';

/** An owner may rename its tenant and nothing else of it (the tenant role may update only name and updated_at). */
@CommandHandler(RenameOwnTenant)
export class RenameOwnTenantHandler implements ICommandHandler<RenameOwnTenant> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, input }: RenameOwnTenant): Promise<TenantView> {
    const tenant = requireRole(caller, 'owner');
    return withTenant(this.dataSource, tenant, async (manager) => {
      await manager.update(TenantEntity, { id: tenant.tenantId }, { name: input.name, updatedAt: NOW });
      return toTenantView(await findTenant(manager, tenant.tenantId));
    });
  }
}
