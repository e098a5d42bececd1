import { TributaryError } from '@tributary/domain';
import type { Principal } from '@tributary/tenancy';

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
