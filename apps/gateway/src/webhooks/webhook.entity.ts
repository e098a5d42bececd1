import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { VerifierScheme } from './verifiers/webhook-verifier.js';

/** `gateway.webhooks`: an address a vendor delivers to; deliveries become events on its topic. */
@Entity({ schema: 'gateway', name: 'webhooks' })
export class WebhookEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('text')
  topic: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  /** Set while the webhook is disabled: deliveries are answered 404. */
  @Column('timestamptz', { name: 'disabled_at', nullable: true })
  disabledAt: Date | null;

  /** The app it belongs to; null: provisioned by the platform admin without one. */
  @Column('uuid', { name: 'app_id', nullable: true })
  appId: string | null;

  @Column('text')
  name: string;

  @Column('text')
  verifier: VerifierScheme;

  /** Accepted deliveries per second; null: the platform default. */
  @Column('integer', { name: 'rate_limit_per_second', nullable: true })
  rateLimitPerSecond: number | null;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
