import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `worker.deployments`: a tenant's configuration and sealed credentials of an integration for one external service. */
@Entity({ schema: 'worker', name: 'deployments' })
export class DeploymentEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('text')
  integration: string;

  @Column('text')
  name: string;

  @Column('jsonb')
  config: Record<string, unknown>;

  /** SecretBox (AES-256-GCM) of the credentials' JSON, bound to the row id; never returned. */
  @Column('text', { name: 'credentials_sealed', nullable: true })
  credentialsSealed: string | null;

  @Column('boolean', { name: 'allow_private_network' })
  allowPrivateNetwork: boolean;

  @Column('boolean')
  enabled: boolean;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
