import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TenantContext, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { NotificationOptOutEntity } from '../../integrations/tracking/notification-opt-out.entity.js';
import { OptOut } from './opt-out.command.js';

@CommandHandler(OptOut)
export class OptOutHandler implements ICommandHandler<OptOut> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, email }: OptOut): Promise<void> {
    const tenant = TenantContext.of(caller);
    // Addresses are kept lower-cased (as the database lowers them); an address opted out already stays as it is.
    await withTenant(this.dataSource, tenant, (db) =>
      db
        .createQueryBuilder()
        .insert()
        .into(NotificationOptOutEntity)
        .values({ tenantId: tenant.tenantId, email: () => 'lower(:email)' })
        .setParameter('email', email)
        .orIgnore()
        .execute(),
    );
  }
}
