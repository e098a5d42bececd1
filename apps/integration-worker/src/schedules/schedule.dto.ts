import { ApiProperty } from '@nestjs/swagger';
import type { ScheduleEntity } from './schedule.entity.js';

export class ScheduleBody {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  actionId: string;
  @ApiProperty()
  cron: string;
  @ApiProperty()
  timeZone: string;
  @ApiProperty({ type: Object })
  input: Record<string, unknown>;
  @ApiProperty()
  timeoutMs: number;
  @ApiProperty()
  enabled: boolean;
  @ApiProperty({ format: 'date-time' })
  nextFireAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  lastFiredAt: string | null;
  @ApiProperty({ description: 'A run holds the lock now' })
  running: boolean;
}

/** A schedule as the API shows it; `running` while a run holds its lock. */
export const toScheduleBody = (s: Omit<ScheduleEntity, 'tenantId' | 'lastRunId' | 'createdAt' | 'updatedAt'>): ScheduleBody => ({
  id: s.id,
  actionId: s.actionId,
  cron: s.cron,
  timeZone: s.timeZone,
  input: s.input,
  timeoutMs: s.timeoutMs,
  enabled: s.enabled,
  nextFireAt: new Date(s.nextFireAt).toISOString(),
  lastFiredAt: s.lastFiredAt ? new Date(s.lastFiredAt).toISOString() : null,
  running: s.runningUntil !== null && new Date(s.runningUntil).getTime() > Date.now(),
});
