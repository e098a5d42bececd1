import { Column, Entity, PrimaryGeneratedColumn, type ColumnType } from 'typeorm';

/** PostgreSQL's transaction id type, which TypeORM's driver does not list (DatabaseModule adds it: `withXid8`). */
export const XID8 = 'xid8' as ColumnType;

/**
 * `change_sink.changes`: the change log. The capture trigger (`change_sink.capture()`), the MySQL relay and
 * POST /publish write it; every replica's ChangeReader reads it in commit order, by (transaction_id, id).
 */
@Entity({ schema: 'change_sink', name: 'changes' })
export class ChangeEntity {
  /** bigserial: with the transaction id, the change's cursor. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  /** The captured table's schema; '' for MySQL tables and published changes. */
  @Column('text', { name: 'table_schema' })
  tableSchema: string;

  @Column('text', { name: 'table_name' })
  tableName: string;

  @Column('text')
  op: 'insert' | 'update' | 'delete';

  /** The row's tenant column, as text; null for the operator database's own rows (no TENANT_COLUMN). */
  @Column('text', { name: 'tenant_id', nullable: true })
  tenantId: string | null;

  /** The row after the change; null on delete. */
  @Column('jsonb', { nullable: true })
  row: Record<string, unknown> | null;

  /** The row before the change; null on insert. */
  @Column('jsonb', { name: 'old_row', nullable: true })
  oldRow: Record<string, unknown> | null;

  @Column('timestamptz', { name: 'changed_at', default: () => 'now()' })
  changedAt: Date;

  /** The writing transaction (`xid8`, as a string), set by PostgreSQL: with `id`, the change's place in commit order. */
  @Column({ type: XID8, name: 'transaction_id', default: () => 'pg_current_xact_id()' })
  transactionId: string;

  /** `database` for captured rows; the publisher's source (or DEFAULT_SOURCE) for published ones. */
  @Column('text', { default: 'database' })
  source: string;

  @Column('text', { name: 'source_type', default: 'postgres' })
  sourceType: 'postgres' | 'mysql' | 'api';

  @Column('integer', { default: 1 })
  version: number;

  /** A published change's addressee (a user id, or `*`); null for captured rows, which the routing addresses. */
  @Column('text', { name: 'target_user', nullable: true })
  targetUser: string | null;

  /** The trace of the writing transaction (its `tributary.traceparent` setting, set while tracing is on); null otherwise. */
  @Column('text', { nullable: true })
  traceparent: string | null;

  /** The MySQL relay's idempotency key (`mysql:<database>.<outbox>:<outbox id>`), unique where set. */
  @Column('text', { name: 'source_key', nullable: true })
  sourceKey: string | null;
}
