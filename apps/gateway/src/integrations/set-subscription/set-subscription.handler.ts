import { CommandHandler, EventBus, type ICommandHandler } from '@nestjs/cqrs';
import { requirePlatformAdmin, TenantContext, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { NOW } from '../../management-api/column-updates.js';
import { requireId } from '../../management-api/not-found.js';
import { WebhookGatesChanged } from '../../management-api/webhook-gates-changed.event.js';
import { IntegrationEntity } from '../integration.entity.js';
import type { IntegrationView } from '../integration.dto.js';
import { findIntegration } from '../integration-records.js';
import { SetSubscription } from './set-subscription.command.js';

/** Only the platform admin (billing) sets what was paid; it acts in the tenant's scope like the tenant's own keys. */
@CommandHandler(SetSubscription)
export class SetSubscriptionHandler implements ICommandHandler<SetSubscription> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly eventBus: EventBus,
  ) {}

  async execute({ caller, tenantId, integrationId, input }: SetSubscription): Promise<IntegrationView> {
    requirePlatformAdmin(caller);
    const tenant = TenantContext.trusted(requireId('tenant', tenantId), 'platform-admin');
    const updated = await withTenant(this.dataSource, tenant, async (manager) => {
      const integrations = new TenantRepository(manager, IntegrationEntity, tenant);
      await findIntegration(integrations, integrationId);
      await integrations.update(
        { id: integrationId },
        { subscriptionPlan: input.plan, subscriptionPaidUntil: input.paidUntil === null ? null : new Date(input.paidUntil), updatedAt: NOW },
      );
      return findIntegration(integrations, integrationId);
    });
    this.eventBus.publish(new WebhookGatesChanged());
    return updated;
  }
}
