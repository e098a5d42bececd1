import { Column, Entity, PrimaryColumn } from 'typeorm';
import { XID8 } from '../../log/event.entity.js';

/** `event_store.projection_rebuilds`: each projection's latest rebuild into shadow tables, and how far it is. */
@Entity({ schema: 'event_store', name: 'projection_rebuilds' })
export class ProjectionRebuildEntity {
  @PrimaryColumn('text')
  name: string;

  @Column('integer', { name: 'target_version' })
  targetVersion: number;

  /** building, done or failed. */
  @Column('text')
  status: string;

  /** requested, version-change or new-projection. */
  @Column('text')
  reason: string;

  /** With `position`, the last event applied to the shadow tables, in commit order (`xid8`, as a string). */
  @Column({ type: XID8, name: 'transaction_id' })
  transactionId: string;

  @Column('bigint')
  position: string;

  /** Events of the projection's types applied so far (bigint, as a string). */
  @Column('bigint')
  processed: string;

  @Column('timestamptz', { name: 'started_at' })
  startedAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;

  @Column('text', { nullable: true })
  error: string | null;
}
