import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantContext, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { MailboxMailEntity } from '../../integrations/tracking/mailbox-mail.entity.js';
import type { MailboxBody } from './list-mailbox.dto.js';
import { ListMailbox } from './list-mailbox.query.js';

@QueryHandler(ListMailbox)
export class ListMailboxHandler implements IQueryHandler<ListMailbox> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller }: ListMailbox): Promise<MailboxBody> {
    const tenant = TenantContext.of(caller);
    const mails = await withTenant(this.dataSource, tenant, (db) =>
      new TenantRepository(db, MailboxMailEntity, tenant).find({ order: { createdAt: 'DESC', id: 'ASC' }, take: 200 }),
    );
    return {
      items: mails.map((m) => ({
        messageId: m.messageId,
        from: m.sender,
        to: m.recipient,
        subject: m.subject,
        text: m.body,
        trackingId: m.trackingId,
        createdAt: new Date(m.createdAt).toISOString(),
      })),
    };
  }
}
