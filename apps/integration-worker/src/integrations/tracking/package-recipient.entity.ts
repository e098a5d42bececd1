import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `worker.package_recipients`: the customer notified about a parcel, with their consent. */
@Entity({ schema: 'worker', name: 'package_recipients' })
export class PackageRecipientEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' })
  tenantId: string;

  @PrimaryColumn('text', { name: 'tracking_id' })
  trackingId: string;

  @Column('text')
  email: string;

  @Column('text')
  language: string;

  @Column('boolean')
  consent: boolean;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
