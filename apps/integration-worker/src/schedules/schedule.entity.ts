import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `worker.schedules`: an action's cron schedule in a time zone, with its run lock (`running_until`). */
@Entity({ schema: 'worker', name: 'schedules' })
export class ScheduleEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('uuid', { name: 'action_id' })
  actionId: string;

  @Column('text')
  cron: string;

  @Column('text', { name: 'time_zone' })
  timeZone: string;

  @Column('jsonb')
  input: Record<string, unknown>;

  @Column('integer', { name: 'timeout_ms' })
  timeoutMs: number;

  @Column('boolean')
  enabled: boolean;

  @Column('timestamptz', { name: 'next_fire_at' })
  nextFireAt: Date;

  @Column('timestamptz', { name: 'last_fired_at', nullable: true })
  lastFiredAt: Date | null;

  /** The run lock: a firing holds it until its run ends, or until its timeout if the run dies. */
  @Column('timestamptz', { name: 'running_until', nullable: true })
  runningUntil: Date | null;

  @Column('uuid', { name: 'last_run_id', nullable: true })
  lastRunId: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
