import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantContext, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { toDeploymentBody, type DeploymentBody } from '../deployment.dto.js';
import { DeploymentEntity } from '../deployment.entity.js';
import { ListDeployments } from './list-deployments.query.js';

@QueryHandler(ListDeployments)
export class ListDeploymentsHandler implements IQueryHandler<ListDeployments> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller }: ListDeployments): Promise<DeploymentBody[]> {
    const tenant = TenantContext.of(caller);
    const rows = await withTenant(this.dataSource, tenant, (db) =>
      new TenantRepository(db, DeploymentEntity, tenant).find({ order: { createdAt: 'ASC', id: 'ASC' } }),
    );
    return rows.map(toDeploymentBody);
  }
}
