import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `worker.requests`: a request a run sent (`HandlerContext.request`), once per id — its claim when published. */
@Entity({ schema: 'worker', name: 'requests' })
export class RequestEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('text')
  consumer: string;

  @Column('text')
  topic: string;

  @Column('text', { name: 'reply_topic' })
  replyTopic: string;

  @Column('timestamptz', { name: 'requested_at' })
  requestedAt: Date;
}
