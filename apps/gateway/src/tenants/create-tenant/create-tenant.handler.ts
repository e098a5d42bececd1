import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { requirePlatformAdmin, Tenants } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { CreateTenant, type TenantCreated } from './create-tenant.command.js';

@CommandHandler(CreateTenant)
export class CreateTenantHandler implements ICommandHandler<CreateTenant> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tenants: Tenants,
  ) {}

  async execute({ caller, name }: CreateTenant): Promise<TenantCreated> {
    requirePlatformAdmin(caller);
    return this.dataSource.transaction((manager) => this.tenants.create(manager, name));
  }
}
