import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * `gateway.webhook_secrets`: one secret of a webhook. Exactly one of `sealed` (SecretBox, for HMAC keys the gateway
 * uses again) and `sha256` (tokens it only compares) is set.
 */
@Entity({ schema: 'gateway', name: 'webhook_secrets' })
export class WebhookSecretEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('uuid', { name: 'webhook_id' })
  webhookId: string;

  @Column('text', { nullable: true })
  sealed: string | null;

  @Column('bytea', { nullable: true })
  sha256: Buffer | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  /** When it stops being accepted; null: until rotated. */
  @Column('timestamptz', { name: 'expires_at', nullable: true })
  expiresAt: Date | null;
}
