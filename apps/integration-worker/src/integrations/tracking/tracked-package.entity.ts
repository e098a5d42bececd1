import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `worker.tracked_packages`: each package's current state and how many transitions it made. */
@Entity({ schema: 'worker', name: 'tracked_packages' })
export class TrackedPackageEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' })
  tenantId: string;

  @PrimaryColumn('text', { name: 'tracking_id' })
  trackingId: string;

  @Column('text')
  carrier: string;

  @Column('text')
  status: string;

  @Column('timestamptz', { name: 'status_at' })
  statusAt: Date;

  @Column('integer')
  version: number;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
