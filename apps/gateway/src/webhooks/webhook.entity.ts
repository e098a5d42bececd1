import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity({ schema: 'gateway', name: 'webhooks' })
export class WebhookEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('text')
  topic: string;

  /** The `whsec_…` secret, sealed with the tenant-bound SecretBox (never returned after creation). */
  @Column('text', { name: 'secret_sealed' })
  secretSealed: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'disabled_at', nullable: true })
  disabledAt: Date | null;
}

/** Associated data for the sealed secret: binds it to its webhook row. */
export const secretAad = (webhook: Pick<WebhookEntity, 'id' | 'tenantId'>) => `webhook:${webhook.tenantId}:${webhook.id}`;
