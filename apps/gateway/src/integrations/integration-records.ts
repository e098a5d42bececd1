import type { TenantRepository } from '@tributary/tenancy';
import { In, type SelectQueryBuilder } from 'typeorm';
import { notFound, requireId } from '../management-api/not-found.js';
import type { AppEntity } from '../apps/app.entity.js';
import type { RawRow } from '../pagination/keyset-pagination.js';
import { IntegrationAppEntity } from './integration-app.entity.js';
import type { IntegrationEntity } from './integration.entity.js';
import type { IntegrationView } from './integration.dto.js';

/** Adds the ids of the apps an integration connects (`app_ids`, sorted) to a query over integrations aliased `i`. */
export const withAppIds = (query: SelectQueryBuilder<IntegrationEntity>): SelectQueryBuilder<IntegrationEntity> =>
  query.addSelect((apps) => apps.select('array_agg(ia.app_id ORDER BY ia.app_id)').from(IntegrationAppEntity, 'ia').where('ia.integration_id = i.id'), 'app_ids');

export const toIntegrationView = (integration: IntegrationEntity, raw: RawRow): IntegrationView => ({
  id: integration.id,
  name: integration.name,
  enabled: integration.enabled,
  appIds: (raw.app_ids as string[] | null) ?? [],
  subscription: {
    plan: integration.subscriptionPlan,
    paidUntil: integration.subscriptionPaidUntil,
    active: integration.subscriptionPaidUntil !== null && integration.subscriptionPaidUntil.getTime() > Date.now(),
  },
  createdAt: integration.createdAt,
  updatedAt: integration.updatedAt,
});

/** One of the tenant's integrations with its apps, or 404 `integration_not_found`. */
export async function findIntegration(integrations: TenantRepository<IntegrationEntity>, id: string): Promise<IntegrationView> {
  const { entities, raw } = await withAppIds(integrations.query('i').andWhere('i.id = :id', { id: requireId('integration', id) })).getRawAndEntities<RawRow>();
  if (!entities[0]) throw notFound('integration');
  return toIntegrationView(entities[0], raw[0]);
}

/** Links an integration to apps of its tenant. */
export async function link(links: TenantRepository<IntegrationAppEntity>, integrationId: string, appIds: readonly string[]): Promise<void> {
  await links.insert(...appIds.map((appId) => ({ integrationId, appId })));
}

/** Every app id must name an app of the tenant (another tenant's is as unknown as a made-up one). */
export async function requireApps(apps: TenantRepository<AppEntity>, appIds: readonly string[]): Promise<void> {
  const found = await apps.count({ id: In([...appIds]) });
  if (found !== appIds.length) throw notFound('app');
}
