import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * `messaging.deferred`: a message kept off its partition's main path — a retry, or a later message
 * of its key waiting behind one (the head of a key has `nextAttemptAt` set, those behind it NULL
 * until promoted). Written and leased by `DeferredMessages` in SQL (the hot path).
 */
@Entity({ schema: 'messaging', name: 'deferred' })
export class DeferredMessageEntity {
  /** bigserial, as a string. */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column('text', { name: 'group_id' })
  groupId: string;

  @Column('text')
  key: string;

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

  @Column('jsonb')
  envelope: unknown;

  @Column('integer')
  attempts: number;

  @Column('timestamptz', { name: 'next_attempt_at', nullable: true })
  nextAttemptAt: Date | null;

  @Column('text', { name: 'lease_owner', nullable: true })
  leaseOwner: string | null;

  @Column('timestamptz', { name: 'lease_until', nullable: true })
  leaseUntil: Date | null;

  @Column('text', { name: 'error_code', nullable: true })
  errorCode: string | null;

  @Column('text', { name: 'error_message', nullable: true })
  errorMessage: string | null;

  /** Set when the message is a redriven dead letter (bigint, as a string). */
  @Column('bigint', { name: 'dead_letter_id', nullable: true })
  deadLetterId: string | null;

  @Column('timestamptz', { name: 'deferred_at' })
  deferredAt: Date;
}
