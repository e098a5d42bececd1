import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `messaging.inbox`: one row per message a consumer handled (claimed in its effect's transaction). */
@Entity({ schema: 'messaging', name: 'inbox' })
export class InboxClaimEntity {
  @PrimaryColumn('text')
  consumer: string;

  @PrimaryColumn('uuid', { name: 'message_id' })
  messageId: string;

  @Column('timestamptz', { name: 'handled_at' })
  handledAt: Date;
}
