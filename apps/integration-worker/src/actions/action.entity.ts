import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `worker.actions`: deployment × method, run by topic, schedule or hand. */
@Entity({ schema: 'worker', name: 'actions' })
export class ActionEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('uuid', { name: 'deployment_id' })
  deploymentId: string;

  @Column('text')
  method: string;

  /** Runs on every message of the method's topic for this tenant. */
  @Column('boolean', { name: 'on_topic' })
  onTopic: boolean;

  @Column('boolean')
  enabled: boolean;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;
}
