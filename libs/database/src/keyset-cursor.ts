import { isUuid, TributaryError } from '@tributary/domain';

/** Where a keyset page ends: the timestamp of its last row (with the database's microseconds) and its id. */
export interface KeysetPosition {
  readonly at: string;
  readonly id: string;
}

const CURSOR_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * The SQL expression of a timestamp column as the cursor keeps it: UTC with microseconds, which a JavaScript Date
 * would round away (select it beside the row, then `encodeCursor` the last one's).
 */
export const cursorTimestampSql = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Opaque to clients: the (timestamp, id) of the last item of a page. */
export const encodeCursor = (position: KeysetPosition): string => Buffer.from(`${position.at}|${position.id}`, 'utf8').toString('base64url');

/** A cursor this API returned, or 400 `cursor_invalid`. */
export function decodeCursor(cursor: string): KeysetPosition {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || !CURSOR_TIMESTAMP.test(at) || !isUuid(id)) {
    throw new TributaryError('invalid', 'cursor_invalid', 'after is not a cursor this API returned');
  }
  return { at, id };
}
