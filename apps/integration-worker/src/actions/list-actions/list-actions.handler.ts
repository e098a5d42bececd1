import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantContext, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { INTEGRATIONS } from '../../runtime/integration-runtime.js';
import type { IntegrationDefinition } from '../../sdk/integration.js';
import type { ActionBody } from '../action.dto.js';
import { actionBodies } from '../action-views.js';
import { ListActions } from './list-actions.query.js';

@QueryHandler(ListActions)
export class ListActionsHandler implements IQueryHandler<ListActions> {
  constructor(
    @Inject(INTEGRATIONS) private readonly integrations: readonly IntegrationDefinition[],
    private readonly dataSource: DataSource,
  ) {}

  execute({ caller }: ListActions): Promise<ActionBody[]> {
    const tenant = TenantContext.of(caller);
    return withTenant(this.dataSource, tenant, (db) => actionBodies(db, tenant, this.integrations));
  }
}
