import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * `event_store.builds`: one row per CI build and tenant. Each group of fields is a register that the
 * newest event for it wins — by the time the event gives, then by log position — so events applied
 * in any order, any number of times, leave the same row: `created_position` for what build.created
 * says, `state_*` for status/submitted state/pinned, `disk_*` for disk usage, `reaped_*` for the reap.
 */
@Entity({ schema: 'event_store', name: 'builds' })
export class BuildEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' })
  tenantId: string;

  @PrimaryColumn('uuid', { name: 'build_id' })
  buildId: string;

  @Column('uuid', { name: 'project_id' })
  projectId: string;

  @Column('timestamptz', { name: 'created_at', nullable: true })
  createdAt: Date | null;

  @Column('uuid', { name: 'request_id', nullable: true })
  requestId: string | null;

  @Column('text', { name: 'branch_name', nullable: true })
  branchName: string | null;

  @Column('text', { name: 'branch_url', nullable: true })
  branchUrl: string | null;

  @Column('text', { name: 'commit_ref', nullable: true })
  commitRef: string | null;

  @Column('text', { name: 'commit_url', nullable: true })
  commitUrl: string | null;

  @Column('int', { name: 'pull_request_number', nullable: true })
  pullRequestNumber: number | null;

  @Column('text', { name: 'pull_request_name', nullable: true })
  pullRequestName: string | null;

  @Column('text', { name: 'pull_request_url', nullable: true })
  pullRequestUrl: string | null;

  @Column('text', { name: 'pull_request_description', nullable: true })
  pullRequestDescription: string | null;

  @Column('jsonb', { nullable: true })
  config: Record<string, unknown> | null;

  @Column('bigint', { name: 'created_position', nullable: true })
  createdPosition: string | null;

  @Column('text', { nullable: true })
  status: string | null;

  @Column('text', { name: 'submitted_state', nullable: true })
  submittedState: string | null;

  @Column('boolean')
  pinned: boolean;

  @Column('timestamptz', { name: 'state_at', nullable: true })
  stateAt: Date | null;

  @Column('bigint', { name: 'state_position', nullable: true })
  statePosition: string | null;

  @Column('bigint', { name: 'bytes_real' })
  bytesReal: string;

  @Column('bigint', { name: 'bytes_virtual' })
  bytesVirtual: string;

  @Column('timestamptz', { name: 'disk_measured_at', nullable: true })
  diskMeasuredAt: Date | null;

  @Column('bigint', { name: 'disk_position', nullable: true })
  diskPosition: string | null;

  @Column('boolean')
  reaped: boolean;

  @Column('timestamptz', { name: 'reaped_at', nullable: true })
  reapedAt: Date | null;

  @Column('int', { name: 'reaped_reason', nullable: true })
  reapedReason: number | null;

  @Column('text', { name: 'reaped_reason_text', nullable: true })
  reapedReasonText: string | null;

  @Column('bigint', { name: 'reaped_position', nullable: true })
  reapedPosition: string | null;
}
