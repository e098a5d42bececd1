import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `gateway.apps`: one vendor's configuration in a tenant (a carrier, a shop, an ERP); webhooks belong to an app. */
@Entity({ schema: 'gateway', name: 'apps' })
export class AppEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('text')
  name: string;

  @Column('text')
  vendor: string;

  /** Non-secret settings for the vendor (at most 16 KiB of JSON). */
  @Column('jsonb')
  config: Record<string, unknown>;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;

  /** Set while the app is disabled: its webhooks are refused. */
  @Column('timestamptz', { name: 'disabled_at', nullable: true })
  disabledAt: Date | null;
}
