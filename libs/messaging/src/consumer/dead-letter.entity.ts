import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const DEAD_LETTER_STATUSES = ['dead', 'redriven', 'resolved', 'discarded'] as const;
/** dead: waiting for someone; redriven: back in its group's retries; resolved: a redrive succeeded; discarded: given up. */
export type DeadLetterStatus = (typeof DEAD_LETTER_STATUSES)[number];

/**
 * `messaging.dead_letters`: a message a consumer group gave up, with why. Both transports write it
 * (`recordDeadLetter`, in SQL: an upsert with a condition); `DeadLetterQueue` lists, shows,
 * redrives and discards it. topic/partition/offset are the transport's own (the postgres log's or
 * Kafka's); the message id is text because a malformed message may carry no valid one.
 */
@Entity({ schema: 'messaging', name: 'dead_letters' })
export class DeadLetterEntity {
  /** bigserial, as a string. */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column('text', { name: 'group_id' })
  groupId: string;

  @Column('text')
  topic: string;

  @Column('integer')
  partition: number;

  /** bigint, as a string. */
  @Column('bigint')
  offset: string;

  @Column('text', { name: 'message_id' })
  messageId: string;

  @Column('text', { name: 'tenant_id', nullable: true })
  tenantId: string | null;

  /** The message as received (possibly malformed or tampered with). */
  @Column('jsonb')
  envelope: unknown;

  @Column('text', { name: 'error_code' })
  errorCode: string;

  @Column('text', { name: 'error_message' })
  errorMessage: string;

  @Column('integer')
  attempts: number;

  @Column('timestamptz', { name: 'dead_at' })
  deadAt: Date;

  /** The partition key (tenant:subject) the message was ordered by, when known. */
  @Column('text', { nullable: true })
  key: string | null;

  @Column('text')
  status: DeadLetterStatus;

  @Column('integer')
  redrives: number;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
