import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `worker.effects`: the journal of external effects done once (`HandlerContext.once`), by (idempotency key, name). */
@Entity({ schema: 'worker', name: 'effects' })
export class EffectEntity {
  @PrimaryColumn('text')
  key: string;

  @PrimaryColumn('text')
  name: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('text')
  state: 'started' | 'done';

  @Column('jsonb', { nullable: true })
  result: { value: unknown } | null;

  @Column('boolean')
  reconciled: boolean;

  @Column('timestamptz', { name: 'started_at' })
  startedAt: Date;

  @Column('timestamptz', { name: 'lease_until' })
  leaseUntil: Date;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;

  @Column('text', { nullable: true })
  identity: string | null;

  @Column('integer')
  repeats: number;
}
