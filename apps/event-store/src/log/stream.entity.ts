import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * `event_store.streams`: one row per stream, its version (= its number of events). The append function
 * locks and moves it; the query API reads it.
 */
@Entity({ schema: 'event_store', name: 'streams' })
export class StreamEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' })
  tenantId: string;

  @PrimaryColumn('text', { name: 'stream_id' })
  streamId: string;

  @Column('integer')
  version: number;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
