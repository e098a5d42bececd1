import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PACKAGE_STATUSES, TributaryError } from '@tributary/domain';
import { TenantContext, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { NotificationTemplateEntity } from '../../integrations/tracking/notification-template.entity.js';
import { NOTIFICATION_LANGUAGES } from '../../integrations/tracking/notify-customer/notification-templates.js';
import { SetTemplate } from './set-template.command.js';
import type { TemplateBody } from './set-template.dto.js';

@CommandHandler(SetTemplate)
export class SetTemplateHandler implements ICommandHandler<SetTemplate> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, state, language, template }: SetTemplate): Promise<TemplateBody> {
    const tenant = TenantContext.of(caller);
    if (!(PACKAGE_STATUSES as readonly string[]).includes(state) || state === 'unknown') {
      throw new TributaryError('invalid', 'template_invalid', `No notifications for state "${state}"`);
    }
    if (!(NOTIFICATION_LANGUAGES as readonly string[]).includes(language)) {
      throw new TributaryError('invalid', 'template_invalid', `Languages: ${NOTIFICATION_LANGUAGES.join(', ')}`);
    }
    await withTenant(this.dataSource, tenant, (db) =>
      db.upsert(
        NotificationTemplateEntity,
        { tenantId: tenant.tenantId, state, language, subject: template.subject, body: template.text, updatedAt: new Date() },
        ['tenantId', 'state', 'language'],
      ),
    );
    return { subject: template.subject, text: template.text };
  }
}
