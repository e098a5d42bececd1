import { Column, Entity, PrimaryGeneratedColumn, Unique, type ColumnType } from 'typeorm';

/** PostgreSQL's transaction id type: not in TypeORM's list, which `@tributary/database` extends with it. */
export const XID8 = 'xid8' as ColumnType;

/**
 * `event_store.events`: the log. Appends go through the `append_to_stream` database function (see
 * `EventLog`), never through this entity; readers use it where the log's commit order is not the point.
 */
@Entity({ schema: 'event_store', name: 'events' })
@Unique('events_tenant_id_stream_id_stream_version_key', ['tenantId', 'streamId', 'streamVersion'])
@Unique('events_tenant_event_id_key', ['tenantId', 'eventId'])
export class EventEntity {
  /** Insert order (bigint, as a string); commit order is (`transactionId`, `position`). */
  @PrimaryGeneratedColumn('increment', { type: 'bigint', name: 'position' })
  position: string;

  @Column('uuid', { name: 'event_id' })
  eventId: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('text', { name: 'stream_id' })
  streamId: string;

  @Column('integer', { name: 'stream_version' })
  streamVersion: number;

  @Column('text')
  type: string;

  @Column('integer', { name: 'topic_version' })
  topicVersion: number;

  @Column('jsonb')
  data: Record<string, unknown>;

  @Column('jsonb')
  metadata: Record<string, unknown>;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt: Date;

  @Column('timestamptz', { name: 'recorded_at' })
  recordedAt: Date;

  /** The appending transaction (`xid8`, as a string). */
  @Column({ type: XID8, name: 'transaction_id' })
  transactionId: string;
}
