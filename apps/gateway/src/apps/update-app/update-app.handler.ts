import { CommandHandler, EventBus, type ICommandHandler } from '@nestjs/cqrs';
import { requireRole, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource, type QueryDeepPartialEntity } from 'typeorm';
import { disabledAtFor, NOW } from '../../management-api/column-updates.js';
import { WebhookGatesChanged } from '../../management-api/webhook-gates-changed.event.js';
import { AppEntity } from '../app.entity.js';
import type { AppView } from '../app.dto.js';
import { checkConfigSize, findApp, toAppView } from '../app-records.js';
import { UpdateApp } from './update-app.command.js';

@CommandHandler(UpdateApp)
export class UpdateAppHandler implements ICommandHandler<UpdateApp> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly eventBus: EventBus,
  ) {}

  async execute({ caller, id, input }: UpdateApp): Promise<AppView> {
    const tenant = requireRole(caller, 'member');
    const config = input.config === undefined ? undefined : checkConfigSize(input.config);
    const updated = await withTenant(this.dataSource, tenant, async (manager) => {
      const apps = new TenantRepository(manager, AppEntity, tenant);
      await findApp(apps, id);
      await apps.update(
        { id },
        {
          ...(input.name !== undefined && { name: input.name }),
          // (jsonb: TypeORM's update type reads a plain object as a nested entity)
          ...(config !== undefined && ({ config } as QueryDeepPartialEntity<AppEntity>)),
          ...disabledAtFor(input.enabled),
          updatedAt: NOW,
        },
      );
      return toAppView(await findApp(apps, id));
    });
    // Its webhooks are gated by it: the ingress must not answer from what it remembered.
    this.eventBus.publish(new WebhookGatesChanged());
    return updated;
  }
}
