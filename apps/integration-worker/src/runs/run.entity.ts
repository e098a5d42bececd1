import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `worker.runs`: one row per handler execution (init → ok / fail / skip), written by the runtime, read by the runs API. */
@Entity({ schema: 'worker', name: 'runs' })
export class RunEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('text')
  integration: string;

  @Column('text')
  method: string;

  @Column('uuid', { name: 'action_id', nullable: true })
  actionId: string | null;

  @Column('uuid', { name: 'deployment_id', nullable: true })
  deploymentId: string | null;

  @Column('text')
  trigger: 'topic' | 'schedule' | 'manual';

  @Column('uuid', { name: 'message_id', nullable: true })
  messageId: string | null;

  @Column('text')
  state: 'init' | 'ok' | 'fail' | 'skip' | 'pending';

  @Column('integer')
  attempt: number;

  @Column('timestamptz', { name: 'started_at' })
  startedAt: Date;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;

  @Column('integer', { name: 'duration_ms', nullable: true })
  durationMs: number | null;

  @Column('integer')
  outputs: number;

  @Column('text', { name: 'response_hash', nullable: true })
  responseHash: string | null;

  @Column('text', { name: 'foreign_id', nullable: true })
  foreignId: string | null;

  @Column('text', { name: 'skip_reason', nullable: true })
  skipReason: string | null;

  @Column('text', { name: 'error_code', nullable: true })
  errorCode: string | null;

  @Column('text', { name: 'error_message', nullable: true })
  errorMessage: string | null;

  @Column('integer', { name: 'repeated_effects' })
  repeatedEffects: number;
}
