import { TributaryError } from '@tributary/domain';
import type { EventEntity } from './event.entity.js';

/** An event as the log keeps it. */
export interface StoredEvent {
  /** Global position: unique and increasing in insert order (commit order can differ; see `cursor`). */
  readonly position: number;
  readonly eventId: string;
  readonly tenantId: string;
  readonly streamId: string;
  /** 1 for a stream's first event, n for its n-th. */
  readonly streamVersion: number;
  /** The topic name. */
  readonly type: string;
  readonly topicVersion: number;
  readonly data: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
  readonly occurredAt: Date;
  readonly recordedAt: Date;
  /** Where the event stands in commit order (`<transaction id>.<position>`): readers resume after it. */
  readonly cursor: string;
}

export interface EventRow {
  position: string;
  event_id: string;
  tenant_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  topic_version: number;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  occurred_at: Date;
  recorded_at: Date;
  transaction_id: string;
}

export const EVENT_COLUMNS =
  'position, event_id, tenant_id, stream_id, stream_version, type, topic_version, data, metadata, occurred_at, recorded_at, transaction_id';

export const toStoredEvent = (row: EventRow): StoredEvent => ({
  position: Number(row.position),
  eventId: row.event_id,
  tenantId: row.tenant_id,
  streamId: row.stream_id,
  streamVersion: row.stream_version,
  type: row.type,
  topicVersion: row.topic_version,
  data: row.data,
  metadata: row.metadata,
  occurredAt: row.occurred_at,
  recordedAt: row.recorded_at,
  cursor: `${row.transaction_id}.${row.position}`,
});

/** The same from the entity (reads that go through TypeORM). */
export const storedEventOf = (row: EventEntity): StoredEvent => ({
  position: Number(row.position),
  eventId: row.eventId,
  tenantId: row.tenantId,
  streamId: row.streamId,
  streamVersion: row.streamVersion,
  type: row.type,
  topicVersion: row.topicVersion,
  data: row.data,
  metadata: row.metadata,
  occurredAt: row.occurredAt,
  recordedAt: row.recordedAt,
  cursor: `${row.transactionId}.${row.position}`,
});

/** A point in commit order: `(transaction id, position)`. The start of the log is `0.0`. */
export interface LogCursor {
  readonly transactionId: string;
  readonly position: string;
}

export const LOG_START: LogCursor = { transactionId: '0', position: '0' };

/** The largest transaction id (xid8) and position (bigint) PostgreSQL can hold: a cursor past them is malformed. */
const MAX_TRANSACTION_ID = 2n ** 64n - 1n;
const MAX_POSITION = 2n ** 63n - 1n;

export function parseLogCursor(text: string): LogCursor {
  const match = /^(\d{1,20})\.(\d{1,19})$/.exec(text);
  if (!match || BigInt(match[1]) > MAX_TRANSACTION_ID || BigInt(match[2]) > MAX_POSITION) {
    throw new TributaryError('invalid', 'cursor_invalid', 'A cursor looks like <digits>.<digits>, as returned with an event');
  }
  return { transactionId: match[1], position: match[2] };
}

export const formatLogCursor = (cursor: LogCursor): string => `${cursor.transactionId}.${cursor.position}`;
