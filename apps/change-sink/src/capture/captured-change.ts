/** One row change, as the capture trigger recorded it. */
export interface CapturedChange {
  readonly id: string;
  /** `schema.table` */
  readonly table: string;
  readonly op: 'insert' | 'update' | 'delete';
  readonly tenantId: string | null;
  readonly row: Record<string, unknown> | null;
  readonly oldRow: Record<string, unknown> | null;
  readonly changedAt: Date;
}
