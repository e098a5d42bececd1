import { TributaryError } from '@tributary/domain';

/** One row change, as the capture trigger recorded it. */
export interface CapturedChange {
  readonly id: string;
  /** Where this change stands in commit order; a client resumes after it. */
  readonly cursor: string;
  /** The cursor, parsed. */
  readonly position: ChangePosition;
  /** `schema.table` */
  readonly table: string;
  readonly op: 'insert' | 'update' | 'delete';
  readonly tenantId: string | null;
  readonly row: Record<string, unknown> | null;
  readonly oldRow: Record<string, unknown> | null;
  readonly changedAt: Date;
  /** `database` for captured rows; for published ones, the publisher's `source` (or DEFAULT_SOURCE). */
  readonly source: string;
  readonly sourceType: 'postgres' | 'mysql' | 'api';
  readonly version: number;
  /** Published changes go to this user id (`*`: everyone in the tenant) instead of by routing. */
  readonly targetUser: string | null;
  /** The writing transaction's trace (`traceparent`), when it was traced. */
  readonly traceparent?: string | null;
}

/** A position in the change table: the writing transaction's id, then the change id (commit order). */
export interface ChangePosition {
  readonly transactionId: string;
  readonly id: string;
}

export const formatCursor = (p: ChangePosition): string => `${p.transactionId}.${p.id}`;

export function parseCursor(cursor: string): ChangePosition {
  const match = /^(\d{1,20})\.(\d{1,20})$/.exec(cursor);
  if (!match) throw new TributaryError('invalid', 'cursor_invalid', 'after must be a cursor received with an update');
  return { transactionId: match[1], id: match[2] };
}

export const isAfter = (a: ChangePosition, b: ChangePosition): boolean => {
  const [ax, bx] = [BigInt(a.transactionId), BigInt(b.transactionId)];
  return ax !== bx ? ax > bx : BigInt(a.id) > BigInt(b.id);
};

/** A PostgreSQL snapshot (`pg_current_snapshot()`): which transactions had committed when it was taken. */
export interface Snapshot {
  readonly xmin: bigint;
  readonly xmax: bigint;
  readonly inProgress: ReadonlySet<bigint>;
}

export function parseSnapshot(text: string): Snapshot {
  const [xmin, xmax, xip] = text.split(':');
  return { xmin: BigInt(xmin), xmax: BigInt(xmax), inProgress: new Set((xip ?? '').split(',').filter(Boolean).map(BigInt)) };
}

/** Whether the transaction had committed (or rolled back) when the snapshot was taken. */
export function committedBefore(snapshot: Snapshot, transactionId: string): boolean {
  const xid = BigInt(transactionId);
  if (xid < snapshot.xmin) return true;
  return xid < snapshot.xmax && !snapshot.inProgress.has(xid);
}
