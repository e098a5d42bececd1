import { TenantRepository, type TenantContext } from '@tributary/tenancy';
import type { EntityManager } from 'typeorm';
import { DeploymentEntity } from '../deployments/deployment.entity.js';
import { integrationNamed } from '../deployments/integration-settings.js';
import type { IntegrationDefinition } from '../sdk/integration.js';
import type { ActionBody } from './action.dto.js';
import { ActionEntity } from './action.entity.js';

/** The tenant's actions with their deployments' integrations and their methods' topics (one when `id` is given), oldest first. */
export async function actionBodies(db: EntityManager, tenant: TenantContext, integrations: readonly IntegrationDefinition[], id?: string): Promise<ActionBody[]> {
  const query = new TenantRepository(db, ActionEntity, tenant)
    .query('a')
    .innerJoin(DeploymentEntity, 'd', 'd.id = a.deploymentId')
    .select('a.id', 'id')
    .addSelect('a.deploymentId', 'deploymentId')
    .addSelect('d.integration', 'integration')
    .addSelect('a.method', 'method')
    .addSelect('a.onTopic', 'onTopic')
    .addSelect('a.enabled', 'enabled')
    .orderBy('a.createdAt')
    .addOrderBy('a.id');
  if (id !== undefined) query.andWhere('a.id = :id', { id });
  const rows = await query.getRawMany<Omit<ActionBody, 'topic'>>();
  return rows.map((r) => ({
    id: r.id,
    deploymentId: r.deploymentId,
    integration: r.integration,
    method: r.method,
    topic: integrationNamed(integrations, r.integration).routes.find((x) => x.method === r.method)?.topic.name ?? '',
    onTopic: r.onTopic,
    enabled: r.enabled,
  }));
}
