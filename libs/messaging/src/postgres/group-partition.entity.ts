import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * `messaging.group_partitions`: a consumer group's committed offset of one partition (the next offset
 * it reads) and the lease that makes one member at a time its reader.
 */
@Entity({ schema: 'messaging', name: 'group_partitions' })
export class GroupPartitionEntity {
  @PrimaryColumn('text', { name: 'group_id' })
  groupId: string;

  @PrimaryColumn('text')
  topic: string;

  @PrimaryColumn('integer')
  partition: number;

  /** bigint, as a string. */
  @Column('bigint', { name: 'committed_offset' })
  committedOffset: string;

  @Column('text', { nullable: true })
  owner: string | null;

  @Column('timestamptz', { name: 'lease_until', nullable: true })
  leaseUntil: Date | null;

  /** When a member of the group last took or renewed this lease (the retention forgets groups long unseen). */
  @Column('timestamptz', { name: 'seen_at' })
  seenAt: Date;
}
