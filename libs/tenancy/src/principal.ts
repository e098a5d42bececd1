import { TributaryError } from '@tributary/domain';

export type TenantRole = 'owner' | 'member' | 'read_only';
export type Role = TenantRole | 'platform_admin';

/** Who is calling, as established by authentication, never by anything the caller sends. */
export type Principal =
  | { readonly kind: 'platform_admin'; readonly keyId: string }
  | {
      readonly kind: 'tenant';
      readonly keyId: string;
      readonly tenantId: string;
      readonly role: TenantRole;
      /** The user the key belongs to; null for a service key. */
      readonly userId?: string | null;
    };

/** The tenant a piece of work runs for. Handlers take this, never a tenant id from a body or header. */
export class TenantContext {
  private constructor(
    readonly tenantId: string,
    readonly actor: string,
  ) {}

  static of(principal: Principal): TenantContext {
    if (principal.kind !== 'tenant') {
      throw new TributaryError('forbidden', 'tenant_required', 'This operation needs a tenant API key');
    }
    return new TenantContext(principal.tenantId, `api-key:${principal.keyId}`);
  }

  /** For work that arrives on a signed message or a verified webhook: the tenant was proven upstream. */
  static trusted(tenantId: string, actor: string): TenantContext {
    return new TenantContext(tenantId, actor);
  }
}

export function requirePlatformAdmin(principal: Principal): void {
  if (principal.kind !== 'platform_admin') {
    throw new TributaryError('forbidden', 'admin_required', 'This operation needs the platform admin key');
  }
}

const RANK: Record<TenantRole, number> = { read_only: 0, member: 1, owner: 2 };

export const TENANT_ROLES: readonly TenantRole[] = ['owner', 'member', 'read_only'];

/**
 * The tenant context of a tenant key holding at least `minimum`: read_only < member < owner.
 * The platform admin key is not a tenant key (it administers tenants, it does not act inside one).
 */
export function requireRole(principal: Principal, minimum: TenantRole): TenantContext {
  const tenant = TenantContext.of(principal);
  if (principal.kind === 'tenant' && RANK[principal.role] < RANK[minimum]) {
    throw new TributaryError('forbidden', 'role_insufficient', `This operation needs the ${minimum} role or higher`);
  }
  return tenant;
}
