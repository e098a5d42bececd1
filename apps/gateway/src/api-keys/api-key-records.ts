import { ApiKeyEntity, TenantRepository, UserEntity, type ApiKeys, type TenantContext, type TenantRole } from '@tributary/tenancy';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { notFound, requireId } from '../management-api/not-found.js';
import type { RawRow } from '../pagination/keyset-pagination.js';
import type { ApiKeyCreatedView, ApiKeyView } from './api-key.dto.js';

/** Adds the role a key acts with (its user's current role, else its own) as `effective_role` to a query over keys aliased `k`. */
export const withEffectiveRole = (keys: SelectQueryBuilder<ApiKeyEntity>): SelectQueryBuilder<ApiKeyEntity> =>
  keys.leftJoin(UserEntity, 'u', 'u.id = k.user_id').addSelect('coalesce(u.role, k.role)', 'effective_role');

export const toApiKeyView = (key: ApiKeyEntity, raw: RawRow): ApiKeyView => ({
  id: key.id,
  name: key.name,
  role: raw.effective_role as TenantRole,
  userId: key.userId,
  prefix: `trb_${key.prefix}`,
  createdAt: key.createdAt,
  revokedAt: key.revokedAt,
});

/** One of the tenant's API keys (never its secret), or 404 `api_key_not_found`. */
export async function findApiKey(keys: TenantRepository<ApiKeyEntity>, id: string): Promise<ApiKeyView> {
  const { entities, raw } = await withEffectiveRole(keys.query('k').andWhere('k.id = :id', { id: requireId('api_key', id) })).getRawAndEntities<RawRow>();
  if (!entities[0]) throw notFound('api_key');
  return toApiKeyView(entities[0], raw[0]);
}

/** Issues a key of the tenant in the caller's transaction; the answer carries the whole key, shown this once. */
export async function issueApiKey(
  manager: EntityManager,
  apiKeys: ApiKeys,
  tenant: TenantContext,
  key: { readonly name: string; readonly role: TenantRole; readonly userId: string | null },
): Promise<ApiKeyCreatedView> {
  const issued = await apiKeys.issue(manager, key.role, tenant.tenantId, key.name, key.userId);
  return { ...(await findApiKey(new TenantRepository(manager, ApiKeyEntity, tenant), issued.id)), key: issued.key };
}
