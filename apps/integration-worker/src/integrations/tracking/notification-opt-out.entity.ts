import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `worker.notification_opt_outs`: addresses (lower-cased) that get no notification at all. */
@Entity({ schema: 'worker', name: 'notification_opt_outs' })
export class NotificationOptOutEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' })
  tenantId: string;

  @PrimaryColumn('text')
  email: string;

  @Column('timestamptz', { name: 'opted_out_at' })
  optedOutAt: Date;
}
