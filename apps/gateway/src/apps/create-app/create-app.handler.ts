import { randomUUID } from 'node:crypto';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { requireRole, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { AppEntity } from '../app.entity.js';
import type { AppView } from '../app.dto.js';
import { checkConfigSize, findApp, toAppView } from '../app-records.js';
import { CreateApp } from './create-app.command.js';

@CommandHandler(CreateApp)
export class CreateAppHandler implements ICommandHandler<CreateApp> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, input }: CreateApp): Promise<AppView> {
    const tenant = requireRole(caller, 'member');
    const config = checkConfigSize(input.config ?? {});
    return withTenant(this.dataSource, tenant, async (manager) => {
      const apps = new TenantRepository(manager, AppEntity, tenant);
      const id = randomUUID();
      await apps.insert({ id, name: input.name, vendor: input.vendor, config });
      return toAppView(await findApp(apps, id));
    });
  }
}
