import { ArgsType, Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { allTopics } from '@tributary/topics';

export const MIN_BUCKET_SECONDS = 10;
export const MAX_BUCKET_SECONDS = 86_400;
export const MAX_BUCKETS = 1_000;
export const MAX_RANGE_DAYS = 31;

/** The window, the bucket size and the filters of the operator page's charts. */
@ArgsType()
export class TimeseriesArgs {
  @Field({ nullable: true, description: 'Start of the window (ISO 8601; default: an hour before `to`)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @Field({ nullable: true, description: 'End of the window (ISO 8601; default: now)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @Field(() => Int, { nullable: true, description: `Bucket size in seconds (${MIN_BUCKET_SECONDS}–${MAX_BUCKET_SECONDS}; default 60; at most ${MAX_BUCKETS} buckets)` })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(MIN_BUCKET_SECONDS)
  @Max(MAX_BUCKET_SECONDS)
  bucketSeconds?: number;

  @Field({ nullable: true, description: 'Only this tenant' })
  @IsOptional()
  @IsUUID()
  tenantId?: string;

  @Field({ nullable: true, description: 'Only this topic (a topic of the registry)' })
  @IsOptional()
  @IsIn(allTopics.map((t) => t.name))
  topic?: string;

  @Field({ nullable: true, description: 'Only the deliveries to this webhook' })
  @IsOptional()
  @IsUUID()
  webhookId?: string;
}

@ObjectType({ description: 'One bucket of the operator charts; a series is null where the filters do not apply to it' })
export class TimeseriesBucket {
  @Field({ description: 'Start of the bucket (ISO 8601)' })
  t: string;
  @Field(() => Int, { description: 'Deliveries and pushed documents accepted (the ingest log, status below 400)' })
  accepted: number;
  @Field(() => Int, { description: 'Deliveries and pushed documents refused (the ingest log, status 400 and above)' })
  refused: number;
  @Field(() => Int, { nullable: true, description: 'Messages dead-lettered (null with a webhook filter: a dead letter names no webhook)' })
  deadLettered: number | null;
  @Field(() => Int, { nullable: true, description: 'Runs that failed (null with a topic or webhook filter: a run names neither)' })
  failedRuns: number | null;
  @Field(() => Float, { nullable: true, description: 'The highest total consumer lag sampled in the bucket (null when not sampled, or with a tenant or webhook filter: lag is a group’s)' })
  lag: number | null;
}

@ObjectType({ description: 'Throughput, errors and lag over time' })
export class OperatorTimeseries {
  @Field({ description: 'Start of the first bucket (ISO 8601)' })
  from: string;
  @Field({ description: 'End of the window (ISO 8601)' })
  to: string;
  @Field(() => Int, { description: 'Bucket size in seconds' })
  bucketSeconds: number;
  @Field(() => [TimeseriesBucket], { description: 'Every bucket of the window, oldest first (empty ones too)' })
  buckets: TimeseriesBucket[];
}
