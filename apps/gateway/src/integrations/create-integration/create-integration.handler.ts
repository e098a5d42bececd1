import { randomUUID } from 'node:crypto';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { requireRole, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { AppEntity } from '../../apps/app.entity.js';
import { IntegrationAppEntity } from '../integration-app.entity.js';
import { IntegrationEntity } from '../integration.entity.js';
import type { IntegrationView } from '../integration.dto.js';
import { findIntegration, link, requireApps } from '../integration-records.js';
import { CreateIntegration } from './create-integration.command.js';

@CommandHandler(CreateIntegration)
export class CreateIntegrationHandler implements ICommandHandler<CreateIntegration> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, input }: CreateIntegration): Promise<IntegrationView> {
    const tenant = requireRole(caller, 'member');
    return withTenant(this.dataSource, tenant, async (manager) => {
      const integrations = new TenantRepository(manager, IntegrationEntity, tenant);
      await requireApps(new TenantRepository(manager, AppEntity, tenant), input.appIds);
      const id = randomUUID();
      await integrations.insert({ id, name: input.name, enabled: input.enabled ?? true });
      await link(new TenantRepository(manager, IntegrationAppEntity, tenant), id, input.appIds);
      return findIntegration(integrations, id);
    });
  }
}
