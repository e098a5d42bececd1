/** An event as the log keeps it. */
export interface StoredEvent {
  readonly position: number;
  readonly eventId: string;
  readonly tenantId: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly type: string;
  readonly topicVersion: number;
  readonly data: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
  readonly occurredAt: Date;
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
}

export const EVENT_COLUMNS =
  'position, event_id, tenant_id, stream_id, stream_version, type, topic_version, data, metadata, occurred_at';

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
});
