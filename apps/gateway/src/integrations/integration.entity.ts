import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `gateway.integrations`: a tenant's apps working together, with an enabled flag and what was paid for it. */
@Entity({ schema: 'gateway', name: 'integrations' })
export class IntegrationEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('text')
  name: string;

  @Column('boolean')
  enabled: boolean;

  @Column('text', { name: 'subscription_plan', nullable: true })
  subscriptionPlan: string | null;

  /** Deliveries to its apps' webhooks are accepted until then; null: not paid. */
  @Column('timestamptz', { name: 'subscription_paid_until', nullable: true })
  subscriptionPaidUntil: Date | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
