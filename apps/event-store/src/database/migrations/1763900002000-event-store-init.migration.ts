import type { MigrationInterface, QueryRunner } from 'typeorm';

export class EventStoreInit1763900002000 implements MigrationInterface {
  name = 'EventStoreInit1763900002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS event_store`);
    // transaction_id makes reading gap-safe: readers go in (transaction_id, position) order and stop
    // at the oldest transaction still running, so an event committed late is never skipped.
    await q.query(`
      CREATE TABLE event_store.events (
        position bigserial PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        tenant_id uuid NOT NULL,
        stream_id text NOT NULL,
        stream_version int NOT NULL,
        type text NOT NULL,
        topic_version int NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        UNIQUE (tenant_id, stream_id, stream_version)
      )`);
    await q.query(`CREATE INDEX events_tenant_type ON event_store.events (tenant_id, type, position)`);
    await q.query(`CREATE INDEX events_commit_order ON event_store.events (transaction_id, position)`);
    await q.query(`
      CREATE TABLE event_store.projection_checkpoints (
        name text PRIMARY KEY,
        version int NOT NULL,
        transaction_id xid8 NOT NULL DEFAULT '0',
        position bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE event_store.package_status (
        tenant_id uuid NOT NULL,
        tracking_id text NOT NULL,
        status text NOT NULL,
        carrier text NOT NULL,
        carrier_status text NOT NULL,
        updated_at timestamptz NOT NULL,
        last_event_id uuid NOT NULL,
        last_position bigint NOT NULL,
        PRIMARY KEY (tenant_id, tracking_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA event_store CASCADE`);
  }
}
