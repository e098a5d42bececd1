import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `worker.package_events`: every distinct carrier event received for a package, with what it did to it. */
@Entity({ schema: 'worker', name: 'package_events' })
export class PackageEventEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' })
  tenantId: string;

  @PrimaryColumn('text', { name: 'tracking_id' })
  trackingId: string;

  @PrimaryColumn('text')
  status: string;

  @PrimaryColumn('timestamptz', { name: 'occurred_at' })
  occurredAt: Date;

  @Column('text')
  carrier: string;

  @Column('text', { name: 'carrier_status' })
  carrierStatus: string;

  @Column('uuid', { name: 'message_id' })
  messageId: string;

  @Column('text')
  outcome: 'applied' | 'stale' | 'same' | 'regression' | 'ignored';

  @Column('timestamptz', { name: 'received_at' })
  receivedAt: Date;
}
