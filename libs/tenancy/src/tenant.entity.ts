import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `tenancy.tenants`: a customer of the platform; everything else belongs to one. */
@Entity({ schema: 'tenancy', name: 'tenants' })
export class TenantEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;

  /** Set while the tenant is disabled: its keys and webhooks are refused. */
  @Column('timestamptz', { name: 'disabled_at', nullable: true })
  disabledAt: Date | null;

  /** Accepted webhook deliveries per second over all its webhooks; null: the platform default. */
  @Column('integer', { name: 'rate_limit_per_second', nullable: true })
  rateLimitPerSecond: number | null;
}
