import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TenantContext, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { NotificationOptOutEntity } from '../../integrations/tracking/notification-opt-out.entity.js';
import { PackageRecipientEntity } from '../../integrations/tracking/package-recipient.entity.js';
import { trackingIdOf } from '../tracking-id.js';
import { SetRecipient } from './set-recipient.command.js';
import type { RecipientSavedBody } from './set-recipient.dto.js';

@CommandHandler(SetRecipient)
export class SetRecipientHandler implements ICommandHandler<SetRecipient> {
  constructor(private readonly dataSource: DataSource) {}

  execute({ caller, trackingId: raw, body }: SetRecipient): Promise<RecipientSavedBody> {
    const tenant = TenantContext.of(caller);
    const trackingId = trackingIdOf(raw);
    return withTenant(this.dataSource, tenant, async (db) => {
      await db.upsert(
        PackageRecipientEntity,
        { tenantId: tenant.tenantId, trackingId, email: body.email, language: body.language, consent: body.consent, updatedAt: new Date() },
        ['tenantId', 'trackingId'],
      );
      const optedOut = await new TenantRepository(db, NotificationOptOutEntity, tenant).query('o').andWhere('o.email = lower(:email)', { email: body.email }).getExists();
      return { trackingId, email: body.email, language: body.language, consent: body.consent, optedOut };
    });
  }
}
