import { CommandHandler, EventBus, type ICommandHandler } from '@nestjs/cqrs';
import { requirePlatformAdmin, TenantEntity } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { disabledAtFor, NOW } from '../../management-api/column-updates.js';
import { WebhookGatesChanged } from '../../management-api/webhook-gates-changed.event.js';
import type { TenantView } from '../tenant.dto.js';
import { findTenant, toTenantView } from '../tenant-records.js';
import { UpdateTenant } from './update-tenant.command.js';

@CommandHandler(UpdateTenant)
export class UpdateTenantHandler implements ICommandHandler<UpdateTenant> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly eventBus: EventBus,
  ) {}

  async execute({ caller, id, input }: UpdateTenant): Promise<TenantView> {
    requirePlatformAdmin(caller);
    const updated = await this.dataSource.transaction(async (manager) => {
      await findTenant(manager, id);
      await manager.update(
        TenantEntity,
        { id },
        {
          ...(input.name !== undefined && { name: input.name }),
          ...disabledAtFor(input.enabled),
          // null returns to the platform default; absent keeps the limit.
          ...(input.rateLimitPerSecond !== undefined && { rateLimitPerSecond: input.rateLimitPerSecond }),
          updatedAt: NOW,
        },
      );
      return toTenantView(await findTenant(manager, id));
    });
    // A tenant gates all its webhooks: the ingress must not answer from what it remembered.
    this.eventBus.publish(new WebhookGatesChanged());
    return updated;
  }
}
