import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Streams with a version for optimistic concurrency, indexes for the query API's readers, and the
 * state of projection rebuilds (shadow tables built beside the live ones, then swapped in).
 */
export class EventStoreStreams1764001000100 implements MigrationInterface {
  name = 'EventStoreStreams1764001000100';

  async up(q: QueryRunner): Promise<void> {
    // One row per stream: its current version (= number of events). Appending locks the row, so
    // appenders to one stream take turns and an expected-version check cannot race.
    await q.query(`
      CREATE TABLE event_store.streams (
        tenant_id uuid NOT NULL,
        stream_id text NOT NULL,
        version int NOT NULL CHECK (version >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, stream_id)
      )`);
    await q.query(`
      INSERT INTO event_store.streams (tenant_id, stream_id, version, created_at, updated_at)
      SELECT tenant_id, stream_id, max(stream_version), min(recorded_at), max(recorded_at)
        FROM event_store.events GROUP BY tenant_id, stream_id`);
    // $all of one tenant, in commit order, optionally of one type.
    await q.query(`DROP INDEX event_store.events_tenant_type`);
    await q.query(`CREATE INDEX events_tenant_commit_order ON event_store.events (tenant_id, transaction_id, position)`);
    await q.query(`CREATE INDEX events_tenant_type_commit_order ON event_store.events (tenant_id, type, transaction_id, position)`);
    await q.query(`
      CREATE TABLE event_store.projection_rebuilds (
        name text PRIMARY KEY,
        target_version int NOT NULL,
        status text NOT NULL CHECK (status IN ('building', 'done', 'failed')),
        reason text NOT NULL,
        transaction_id xid8 NOT NULL DEFAULT '0',
        position bigint NOT NULL DEFAULT 0,
        processed bigint NOT NULL DEFAULT 0,
        started_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        error text
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE event_store.projection_rebuilds`);
    await q.query(`DROP INDEX event_store.events_tenant_type_commit_order`);
    await q.query(`DROP INDEX event_store.events_tenant_commit_order`);
    await q.query(`CREATE INDEX events_tenant_type ON event_store.events (tenant_id, type, position)`);
    await q.query(`DROP TABLE event_store.streams`);
  }
}
