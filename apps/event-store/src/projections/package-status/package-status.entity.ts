import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * `event_store.package_status`: the latest known state of each package, per tenant. The change-sink
 * captures this table's row changes for its `packageUpdated` subscription, so its shape is a contract.
 */
@Entity({ schema: 'event_store', name: 'package_status' })
export class PackageStatusEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' })
  tenantId: string;

  @PrimaryColumn('text', { name: 'tracking_id' })
  trackingId: string;

  @Column('text')
  status: string;

  @Column('text')
  carrier: string;

  @Column('text', { name: 'carrier_status' })
  carrierStatus: string;

  /** When the carrier says the winning update happened. */
  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;

  @Column('uuid', { name: 'last_event_id' })
  lastEventId: string;

  /** The winning event's log position (bigint, as a string). */
  @Column('bigint', { name: 'last_position' })
  lastPosition: string;
}
