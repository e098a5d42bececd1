import { Column, Entity, PrimaryColumn } from 'typeorm';
import { XID8 } from '../log/event.entity.js';

/** `event_store.projection_checkpoints`: how far each projection's live tables are in the log, and by which version. */
@Entity({ schema: 'event_store', name: 'projection_checkpoints' })
export class ProjectionCheckpointEntity {
  @PrimaryColumn('text')
  name: string;

  /** The projection version the live tables were built by (0: never built). */
  @Column('integer')
  version: number;

  /** With `position`, the last event applied, in commit order (`xid8`, as a string). */
  @Column({ type: XID8, name: 'transaction_id' })
  transactionId: string;

  @Column('bigint')
  position: string;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
