import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `worker.mailbox`: notifications written locally when the worker has no SMTP_URL. */
@Entity({ schema: 'worker', name: 'mailbox' })
export class MailboxMailEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  /** The RFC 5322 Message-ID (unique per tenant). */
  @Column('text', { name: 'message_id' })
  messageId: string;

  @Column('text')
  sender: string;

  @Column('text')
  recipient: string;

  @Column('text')
  subject: string;

  @Column('text')
  body: string;

  @Column('text', { name: 'tracking_id' })
  trackingId: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;
}
