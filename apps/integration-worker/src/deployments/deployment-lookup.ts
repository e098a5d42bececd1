import { isUuid, TributaryError } from '@tributary/domain';
import type { TenantContext } from '@tributary/tenancy';
import { TenantRepository } from '@tributary/tenancy';
import type { EntityManager } from 'typeorm';
import { DeploymentEntity } from './deployment.entity.js';

/** One of the tenant's deployments (row-locked for a change when `lock`); `deployment_not_found` otherwise. */
export async function deploymentOf(db: EntityManager, tenant: TenantContext, id: string, lock = false): Promise<DeploymentEntity> {
  const query = new TenantRepository(db, DeploymentEntity, tenant).query('d').andWhere('d.id = :id', { id });
  const row = isUuid(id) ? await (lock ? query.setLock('pessimistic_write') : query).getOne() : null;
  if (!row) throw new TributaryError('not_found', 'deployment_not_found', 'No such deployment');
  return row;
}
