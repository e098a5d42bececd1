import { Column, Entity, PrimaryColumn } from 'typeorm';
import { XID8 } from './change.entity.js';

/**
 * `change_sink.pruned`: one row, how far pruning went — a client resuming from before it has lost changes and is
 * told so (`cursor_expired`). Written by CaptureLifecycle.prune, read by ChangeReader.assertResumable.
 */
@Entity({ schema: 'change_sink', name: 'pruned' })
export class PrunedEntity {
  /** Always true: the table holds one row at most. */
  @PrimaryColumn('boolean', { name: 'only_row', default: true })
  onlyRow: boolean;

  /** The newest change pruned: its transaction (`xid8`, as a string)… */
  @Column({ type: XID8, name: 'transaction_id' })
  transactionId: string;

  /** …and its id. */
  @Column('bigint')
  id: string;

  @Column('timestamptz', { name: 'pruned_at', default: () => 'now()' })
  prunedAt: Date;
}
