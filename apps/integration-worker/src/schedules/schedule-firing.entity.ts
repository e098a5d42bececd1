import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `worker.schedule_firings`: one row per (schedule, tick), so a tick cannot fire twice. */
@Entity({ schema: 'worker', name: 'schedule_firings' })
export class ScheduleFiringEntity {
  @PrimaryColumn('uuid', { name: 'schedule_id' })
  scheduleId: string;

  @PrimaryColumn('timestamptz')
  tick: Date;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('text')
  outcome: 'fired' | 'skipped_overlap';

  @Column('uuid', { name: 'run_id' })
  runId: string;

  @Column('timestamptz', { name: 'fired_at' })
  firedAt: Date;

  @Column('text', { name: 'fired_by' })
  firedBy: string;
}
