import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `messaging.group_members`: the live members of a consumer group on the postgres log, by heartbeat. */
@Entity({ schema: 'messaging', name: 'group_members' })
export class GroupMemberEntity {
  @PrimaryColumn('text', { name: 'group_id' })
  groupId: string;

  @PrimaryColumn('text', { name: 'member_id' })
  memberId: string;

  @Column('timestamptz', { name: 'heartbeat_at' })
  heartbeatAt: Date;
}
