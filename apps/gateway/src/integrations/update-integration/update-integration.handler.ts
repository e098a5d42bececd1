import { CommandHandler, EventBus, type ICommandHandler } from '@nestjs/cqrs';
import { requireRole, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { AppEntity } from '../../apps/app.entity.js';
import { NOW } from '../../management-api/column-updates.js';
import { WebhookGatesChanged } from '../../management-api/webhook-gates-changed.event.js';
import { IntegrationAppEntity } from '../integration-app.entity.js';
import { IntegrationEntity } from '../integration.entity.js';
import type { IntegrationView } from '../integration.dto.js';
import { findIntegration, link, requireApps } from '../integration-records.js';
import { UpdateIntegration } from './update-integration.command.js';

@CommandHandler(UpdateIntegration)
export class UpdateIntegrationHandler implements ICommandHandler<UpdateIntegration> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly eventBus: EventBus,
  ) {}

  async execute({ caller, id, input }: UpdateIntegration): Promise<IntegrationView> {
    const tenant = requireRole(caller, 'member');
    const updated = await withTenant(this.dataSource, tenant, async (manager) => {
      const integrations = new TenantRepository(manager, IntegrationEntity, tenant);
      await findIntegration(integrations, id);
      if (input.appIds) {
        const links = new TenantRepository(manager, IntegrationAppEntity, tenant);
        await requireApps(new TenantRepository(manager, AppEntity, tenant), input.appIds);
        await links.delete({ integrationId: id });
        await link(links, id, input.appIds);
      }
      await integrations.update(
        { id },
        { ...(input.name !== undefined && { name: input.name }), ...(input.enabled !== undefined && { enabled: input.enabled }), updatedAt: NOW },
      );
      return findIntegration(integrations, id);
    });
    // What gates its apps' webhooks changed: the ingress must not answer from what it remembered.
    this.eventBus.publish(new WebhookGatesChanged());
    return updated;
  }
}
