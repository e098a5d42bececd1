import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `messaging.topics`: a topic of the postgres log and its partition count (fixed once created). */
@Entity({ schema: 'messaging', name: 'topics' })
export class TopicEntity {
  @PrimaryColumn('text')
  topic: string;

  @Column('integer')
  partitions: number;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;
}
