import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { JsonObjectScalar } from '../../graphql/json.scalar.js';
import type { BuildEntity } from './build.entity.js';

/** A build as probo-db's API returned it (same field names), with when its disk usage was measured. */
@ObjectType('BuildRecord', { description: 'A CI build (the builds projection, probo-db compatible)' })
export class BuildView {
  @ApiProperty({ format: 'uuid' }) @Field(() => ID, { description: 'The build id' }) buildId: string;
  @ApiProperty({ format: 'uuid' }) @Field(() => ID, { description: 'Its project' }) projectId: string;
  @ApiProperty({ nullable: true, type: String }) @Field(() => String, { nullable: true, description: 'Its state (pending, running, success, error …)' }) statusBuild: string | null;
  @ApiProperty({ nullable: true, type: String }) @Field(() => String, { nullable: true, description: 'The state reported to the code host' }) statusSubmitted: string | null;
  @ApiProperty() @Field({ description: 'Kept from reaping' }) pinned: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) @Field(() => String, { nullable: true, description: 'When it was created' }) timeStarted: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) @Field(() => String, { nullable: true, description: 'When its state last changed' }) timeUpdated: string | null;
  @ApiProperty({ nullable: true, type: String }) @Field(() => String, { nullable: true, description: 'The request that started it' }) requestId: string | null;
  @ApiProperty({ nullable: true, type: String }) @Field(() => String, { nullable: true, description: 'Branch name' }) branchName: string | null;
  @ApiProperty({ nullable: true, type: String }) @Field(() => String, { nullable: true, description: 'Branch URL' }) branchUrl: string | null;
  @ApiProperty({ nullable: true, type: String }) @Field(() => String, { nullable: true, description: 'Commit ref' }) commitRef: string | null;
  @ApiProperty({ nullable: true, type: String }) @Field(() => String, { nullable: true, description: 'Commit URL' }) commitUrl: string | null;
  @ApiProperty({ nullable: true, type: Number }) @Field(() => Int, { nullable: true, description: 'Pull request number' }) prNumber: number | null;
  @ApiProperty({ nullable: true, type: String }) @Field(() => String, { nullable: true, description: 'Pull request title' }) prName: string | null;
  @ApiProperty({ nullable: true, type: String }) @Field(() => String, { nullable: true, description: 'Pull request URL' }) prUrl: string | null;
  @ApiProperty({ nullable: true, type: String }) @Field(() => String, { nullable: true, description: 'Pull request description' }) prDescription: string | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true }) @Field(() => JsonObjectScalar, { nullable: true, description: 'Its configuration' }) config: Record<string, unknown> | null;
  @ApiProperty() @Field(() => Float, { description: 'Disk used, in bytes' }) bytesReal: number;
  @ApiProperty() @Field(() => Float, { description: 'Virtual disk size, in bytes' }) bytesVirtual: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) @Field(() => String, { nullable: true, description: 'When the disk usage was measured' }) diskMeasuredAt: string | null;
  @ApiProperty() @Field({ description: 'Its environment was removed' }) reaped: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) @Field(() => String, { nullable: true, description: 'When it was reaped' }) reapedDate: string | null;
  @ApiProperty({ nullable: true, type: Number }) @Field(() => Int, { nullable: true, description: "The reaper's reason code" }) reapedReason: number | null;
  @ApiProperty({ nullable: true, type: String }) @Field(() => String, { nullable: true, description: "The reaper's reason" }) reapedReasonText: string | null;
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

export const toBuildView = (row: BuildEntity): BuildView => ({
  buildId: row.buildId,
  projectId: row.projectId,
  statusBuild: row.status,
  statusSubmitted: row.submittedState,
  pinned: row.pinned,
  timeStarted: iso(row.createdAt),
  timeUpdated: iso(row.stateAt),
  requestId: row.requestId,
  branchName: row.branchName,
  branchUrl: row.branchUrl,
  commitRef: row.commitRef,
  commitUrl: row.commitUrl,
  prNumber: row.pullRequestNumber,
  prName: row.pullRequestName,
  prUrl: row.pullRequestUrl,
  prDescription: row.pullRequestDescription,
  config: row.config,
  bytesReal: Number(row.bytesReal),
  bytesVirtual: Number(row.bytesVirtual),
  diskMeasuredAt: iso(row.diskMeasuredAt),
  reaped: row.reaped,
  reapedDate: iso(row.reapedAt),
  reapedReason: row.reapedReason,
  reapedReasonText: row.reapedReasonText,
});
