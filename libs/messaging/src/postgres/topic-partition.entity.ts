import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `messaging.topic_partitions`: one row per partition, its next offset (appending locks it: offsets are gap-free). */
@Entity({ schema: 'messaging', name: 'topic_partitions' })
export class TopicPartitionEntity {
  @PrimaryColumn('text')
  topic: string;

  @PrimaryColumn('integer')
  partition: number;

  /** bigint, as a string. */
  @Column('bigint', { name: 'next_offset' })
  nextOffset: string;
}
