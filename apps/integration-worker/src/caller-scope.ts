import { TributaryError } from '@tributary/domain';
import { TenantContext, withTenant, type Principal } from '@tributary/tenancy';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * What an admin-API caller may see: the platform admin key sees every tenant (`tenantId`
 * undefined), a tenant key only its own tenant's rows.
 */
export function tenantScopeOf(principal: Principal): string | undefined {
  return principal.kind === 'platform_admin' ? undefined : principal.tenantId;
}

/** Changes need the platform admin key or a tenant key that is not read-only. */
export function requireWriter(principal: Principal): void {
  if (principal.kind === 'tenant' && principal.role === 'read_only') {
    throw new TributaryError('forbidden', 'read_only_key', 'This API key may only read');
  }
}

/**
 * Runs `work` in the caller's scope: the platform admin key across tenants, a tenant key in its
 * tenant's transaction (row-level security behind every tenant filter).
 */
export function inCallerScope<T>(dataSource: DataSource, caller: Principal, work: (db: EntityManager) => Promise<T>): Promise<T> {
  if (caller.kind === 'platform_admin') return dataSource.transaction(work);
  return withTenant(dataSource, TenantContext.of(caller), work);
}
