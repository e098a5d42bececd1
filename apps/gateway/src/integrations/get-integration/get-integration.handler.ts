import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { requireRole, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { IntegrationEntity } from '../integration.entity.js';
import type { IntegrationView } from '../integration.dto.js';
import { findIntegration } from '../integration-records.js';
import { GetIntegration } from './get-integration.query.js';

@QueryHandler(GetIntegration)
export class GetIntegrationHandler implements IQueryHandler<GetIntegration> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, id }: GetIntegration): Promise<IntegrationView> {
    const tenant = requireRole(caller, 'read_only');
    return withTenant(this.dataSource, tenant, (manager) => findIntegration(new TenantRepository(manager, IntegrationEntity, tenant), id));
  }
}
