import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * `messaging.messages`: the postgres transport's log (Kafka mode's outbox), one row per message at
 * its partition's offset. Appended and read by `PostgresMessageLog` in SQL (the hot path).
 */
@Entity({ schema: 'messaging', name: 'messages' })
export class MessageEntity {
  @PrimaryColumn('text')
  topic: string;

  @PrimaryColumn('integer')
  partition: number;

  /** bigint, as a string. */
  @PrimaryColumn('bigint')
  offset: string;

  @Column('uuid', { name: 'message_id' })
  messageId: string;

  /** The partition key (`tenant:subject`). */
  @Column('text')
  key: string;

  @Column('jsonb')
  envelope: unknown;

  @Column('timestamptz', { name: 'appended_at' })
  appendedAt: Date;
}
