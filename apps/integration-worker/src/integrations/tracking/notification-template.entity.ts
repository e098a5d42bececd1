import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `worker.notification_templates`: a tenant's own notification for a state in a language. */
@Entity({ schema: 'worker', name: 'notification_templates' })
export class NotificationTemplateEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' })
  tenantId: string;

  @PrimaryColumn('text')
  state: string;

  @PrimaryColumn('text')
  language: string;

  @Column('text')
  subject: string;

  @Column('text')
  body: string;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
