import { TenantEntity } from '@tributary/tenancy';
import type { EntityManager } from 'typeorm';
import { notFound, requireId } from '../management-api/not-found.js';
import type { TenantView } from './tenant.dto.js';

export const toTenantView = (tenant: TenantEntity): TenantView => ({
  id: tenant.id,
  name: tenant.name,
  enabled: tenant.disabledAt === null,
  rateLimitPerSecond: tenant.rateLimitPerSecond,
  createdAt: tenant.createdAt,
  updatedAt: tenant.updatedAt,
});

/**
 * A tenant by id, or 404 `tenant_not_found`: any tenant for the platform admin, only its own in a tenant's scope
 * (row-level security shows a tenant key nothing else).
 */
export async function findTenant(manager: EntityManager, id: string): Promise<TenantEntity> {
  const tenant = await manager.findOne(TenantEntity, { where: { id: requireId('tenant', id) } });
  if (!tenant) throw notFound('tenant');
  return tenant;
}
