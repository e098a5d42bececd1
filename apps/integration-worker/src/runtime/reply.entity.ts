import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `worker.replies`: the first reply the worker received to a request, by tenant and request id (`inreplyto`). */
@Entity({ schema: 'worker', name: 'replies' })
export class ReplyEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' })
  tenantId: string;

  @PrimaryColumn('uuid', { name: 'in_reply_to' })
  inReplyTo: string;

  @Column('uuid', { name: 'message_id' })
  messageId: string;

  @Column('text')
  topic: string;

  @Column('jsonb')
  envelope: unknown;

  @Column('timestamptz', { name: 'received_at' })
  receivedAt: Date;
}
