import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `change_sink.source_cursors`: where each relay (a MySQL outbox) stands — every outbox row up to `position` is relayed. */
@Entity({ schema: 'change_sink', name: 'source_cursors' })
export class SourceCursorEntity {
  /** `mysql:<database>.<outbox table>` */
  @PrimaryColumn('text')
  source: string;

  /** The outbox id (bigint, as a string). */
  @Column('bigint')
  position: string;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}
