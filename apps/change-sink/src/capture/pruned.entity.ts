import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * `change_sink.pruned`: one row, how far pruning went — a client resuming from before it has lost changes and is
 * told so (`cursor_expired`). `transaction_id` (xid8) is not mapped: TypeORM has no xid8 type; the prune and the
 * resume check are SQL of their own (see CaptureLifecycle.prune, ChangeReader.assertResumable).
 */
@Entity({ schema: 'change_sink', name: 'pruned' })
export class PrunedEntity {
  /** Always true: the table holds one row at most. */
  @PrimaryColumn('boolean', { name: 'only_row', default: true })
  onlyRow: boolean;

  /** The newest change pruned (with its transaction id). */
  @Column('bigint')
  id: string;

  @Column('timestamptz', { name: 'pruned_at', default: () => 'now()' })
  prunedAt: Date;
}
