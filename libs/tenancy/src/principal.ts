import { TributaryError } from '@tributary/domain';

export type TenantRole = 'owner' | 'member' | 'read_only';
export type Role = TenantRole | 'platform_admin';

/** Who is calling, as established by authentication, never by anything the caller sends. */
export type Principal =
  | { readonly kind: 'platform_admin'; readonly keyId: string }
  | { readonly kind: 'tenant'; readonly keyId: string; readonly tenantId: string; readonly role: TenantRole };

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
