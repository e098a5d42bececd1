import { ArgsType, Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { IsOptional, IsUUID } from 'class-validator';
import { OperatorRun } from '../trace-event/trace-event.dto.js';

@ArgsType()
export class WorkArgs {
  @Field({ nullable: true, description: 'Only this tenant’s runs and schedules (projections are platform-wide)' })
  @IsOptional()
  @IsUUID()
  tenantId?: string;
}

@ObjectType({ description: 'A projection’s latest rebuild into shadow tables' })
export class OperatorRebuild {
  @Field({ description: 'building, done or failed' })
  status: string;
  @Field({ description: 'requested, version-change or new-projection' })
  reason: string;
  @Field(() => Int, { description: 'The version being built' })
  targetVersion: number;
  @Field({ description: 'Events of its types applied to the shadow tables so far (a string)' })
  processed: string;
  @Field(() => Float, { description: 'How far through the log it is, 0–1 (its position over the log’s newest; 1 when done)' })
  progress: number;
  @Field({ description: 'When it started (ISO 8601)' })
  startedAt: string;
  @Field(() => String, { nullable: true, description: 'When it finished (ISO 8601)' })
  finishedAt: string | null;
  @Field(() => String, { nullable: true, description: 'Why it failed' })
  error: string | null;
}

@ObjectType({ description: 'A projection of the event store: its live tables’ checkpoint and its latest rebuild' })
export class OperatorProjection {
  @Field({ description: 'The projection' })
  name: string;
  @Field(() => Int, { description: 'The version its live tables were built by' })
  liveVersion: number;
  @Field({ description: 'rebuilding (a rebuild is building) or live' })
  state: string;
  @Field({ description: 'Its position in the log (a string)' })
  position: string;
  @Field({ description: 'Events in the log after its checkpoint, of any type (a string; an upper bound of its lag)' })
  eventsAfter: string;
  @Field({ description: 'When its checkpoint last moved (ISO 8601)' })
  updatedAt: string;
  @Field(() => OperatorRebuild, { nullable: true, description: 'Its latest rebuild' })
  rebuild: OperatorRebuild | null;
}

@ObjectType({ description: 'An action’s cron schedule' })
export class OperatorSchedule {
  @Field({ description: 'The schedule id' })
  id: string;
  @Field({ description: 'The tenant' })
  tenantId: string;
  @Field({ description: 'The action it runs' })
  actionId: string;
  @Field({ description: 'The cron expression' })
  cron: string;
  @Field({ description: 'Its time zone' })
  timeZone: string;
  @Field({ description: 'Whether it fires' })
  enabled: boolean;
  @Field({ description: 'When it fires next (ISO 8601)' })
  nextFireAt: string;
  @Field(() => String, { nullable: true, description: 'When it last fired (ISO 8601)' })
  lastFiredAt: string | null;
  @Field(() => String, { nullable: true, description: 'The state of its last run' })
  lastRunState: string | null;
}

@ObjectType({ description: 'The platform’s work: projections, recent runs, schedules' })
export class OperatorWork {
  @Field(() => [OperatorProjection], { description: 'Every projection with a checkpoint or a rebuild' })
  projections: OperatorProjection[];
  @Field(() => [OperatorRun], { description: 'The newest runs (at most 50)' })
  runs: OperatorRun[];
  @Field(() => [OperatorSchedule], { description: 'Schedules, next to fire first (at most 100)' })
  schedules: OperatorSchedule[];
}
