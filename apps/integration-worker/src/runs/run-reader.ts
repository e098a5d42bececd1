import { TenantContext, TenantRepository, type Principal } from '@tributary/tenancy';
import type { EntityManager, FindManyOptions, FindOptionsWhere } from 'typeorm';
import { RunEntity } from './run.entity.js';

type RunWhere = Omit<FindOptionsWhere<RunEntity>, 'tenantId'>;

/** Run records as the caller may read them: the platform admin key every tenant's, a tenant key its own. */
export function runsOf(db: EntityManager, caller: Principal, options: Omit<FindManyOptions<RunEntity>, 'where'> & { where?: RunWhere }): Promise<RunEntity[]> {
  if (caller.kind === 'platform_admin') return db.find(RunEntity, options);
  return new TenantRepository(db, RunEntity, TenantContext.of(caller)).find(options);
}
