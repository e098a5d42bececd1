import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantContext, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { deploymentOf } from '../deployment-lookup.js';
import { toDeploymentBody, type DeploymentBody } from '../deployment.dto.js';
import { GetDeployment } from './get-deployment.query.js';

@QueryHandler(GetDeployment)
export class GetDeploymentHandler implements IQueryHandler<GetDeployment> {
  constructor(private readonly dataSource: DataSource) {}

  execute({ caller, id }: GetDeployment): Promise<DeploymentBody> {
    const tenant = TenantContext.of(caller);
    return withTenant(this.dataSource, tenant, async (db) => toDeploymentBody(await deploymentOf(db, tenant, id)));
  }
}
