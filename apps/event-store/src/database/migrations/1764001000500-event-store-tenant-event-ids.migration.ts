import type { MigrationInterface, QueryRunner } from 'typeorm';
import { EventStoreAppendFunction1764001000400 } from './1764001000400-event-store-append-function.migration.js';

/**
 * Event ids unique within a tenant, no longer across tenants. An id is the appender's choice (the
 * query API takes it from the caller), so one constraint over all tenants told a tenant that an id
 * it tried was another tenant's (`event_id_conflict` where an unused id is appended), and let it take
 * an id it had seen (a webhook's 202 names its event) before that event reached its own tenant's
 * log, whose append then failed. `append_to_stream` now looks ids up in its tenant only (as row-level
 * security already made it in a tenant transaction; the consumer appends outside one).
 */
export class EventStoreTenantEventIds1764001000500 implements MigrationInterface {
  name = 'EventStoreTenantEventIds1764001000500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE event_store.events ADD CONSTRAINT events_tenant_event_id_key UNIQUE (tenant_id, event_id)`);
    await q.query(`ALTER TABLE event_store.events DROP CONSTRAINT events_event_id_key`);
    await q.query(`
      CREATE OR REPLACE FUNCTION event_store.append_to_stream(p_tenant uuid, p_stream text, p_expected text, p_events jsonb)
      RETURNS TABLE (
        "position" bigint, event_id uuid, tenant_id uuid, stream_id text, stream_version int, type text, topic_version int,
        data jsonb, metadata jsonb, occurred_at timestamptz, recorded_at timestamptz, transaction_id xid8, appended boolean
      )
      LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $$
      DECLARE
        v_version int;
        v_count int := jsonb_array_length(p_events);
        v_ids uuid[];
        v_found int;
        v_same int;
      BEGIN
        SELECT s.version INTO v_version FROM event_store.streams s
         WHERE s.tenant_id = p_tenant AND s.stream_id = p_stream FOR UPDATE;
        IF NOT FOUND THEN
          INSERT INTO event_store.streams (tenant_id, stream_id, version) VALUES (p_tenant, p_stream, 0) ON CONFLICT DO NOTHING;
          SELECT s.version INTO v_version FROM event_store.streams s
           WHERE s.tenant_id = p_tenant AND s.stream_id = p_stream FOR UPDATE;
        END IF;

        SELECT array_agg((x->>'eventId')::uuid) INTO v_ids FROM jsonb_array_elements(p_events) AS x;
        SELECT count(*), count(*) FILTER (WHERE e.stream_id = p_stream)
          INTO v_found, v_same FROM event_store.events e WHERE e.tenant_id = p_tenant AND e.event_id = ANY (v_ids);
        IF v_found > 0 THEN
          IF v_found = v_count AND v_same = v_count THEN
            RETURN QUERY
              SELECT e."position", e.event_id, e.tenant_id, e.stream_id, e.stream_version, e.type, e.topic_version,
                     e.data, e.metadata, e.occurred_at, e.recorded_at, e.transaction_id, false
                FROM event_store.events e WHERE e.tenant_id = p_tenant AND e.event_id = ANY (v_ids) ORDER BY e.stream_version;
            RETURN;
          END IF;
          RAISE EXCEPTION 'event_id_conflict' USING ERRCODE = 'TB002';
        END IF;

        IF NOT (p_expected = 'any'
                OR (p_expected = 'no-stream' AND v_version = 0)
                OR (p_expected = 'stream-exists' AND v_version > 0)
                OR (p_expected ~ '^[0-9]+$' AND v_version::numeric = p_expected::numeric)) THEN
          RAISE EXCEPTION 'wrong_expected_version' USING ERRCODE = 'TB001', DETAIL = v_version::text;
        END IF;

        RETURN QUERY
          WITH inserted AS (
            INSERT INTO event_store.events
              (event_id, tenant_id, stream_id, stream_version, type, topic_version, data, metadata, occurred_at)
            SELECT (x->>'eventId')::uuid, p_tenant, p_stream, v_version + t.n::int, x->>'type', (x->>'topicVersion')::int,
                   x->'data', x->'metadata', (x->>'occurredAt')::timestamptz
              FROM jsonb_array_elements(p_events) WITH ORDINALITY AS t(x, n)
            RETURNING *
          )
          SELECT i."position", i.event_id, i.tenant_id, i.stream_id, i.stream_version, i.type, i.topic_version,
                 i.data, i.metadata, i.occurred_at, i.recorded_at, i.transaction_id, true
            FROM inserted i ORDER BY i.stream_version;
        UPDATE event_store.streams s SET version = v_version + v_count, updated_at = now()
         WHERE s.tenant_id = p_tenant AND s.stream_id = p_stream;
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE event_store.events ADD CONSTRAINT events_event_id_key UNIQUE (event_id)`);
    await q.query(`ALTER TABLE event_store.events DROP CONSTRAINT events_tenant_event_id_key`);
    await q.query(`DROP FUNCTION event_store.append_to_stream(uuid, text, text, jsonb)`);
    await new EventStoreAppendFunction1764001000400().up(q);
  }
}
