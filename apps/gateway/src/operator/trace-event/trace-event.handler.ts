import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DeadLetterEntity } from '@tributary/messaging';
import { requirePlatformAdmin } from '@tributary/tenancy';
import { DataSource, In } from 'typeorm';
import { IngestEntryEntity } from '../../ingest/ingest-entry.entity.js';
import { toDeadLetter } from '../operator-read-model.js';
import { presentTables } from '../present-tables.js';
import { RUN_COLUMNS, toRun, type RunRow } from '../operator-run.js';
import type { OperatorRun, OperatorTrace, TraceMessage, TraceStoredEvent } from './trace-event.dto.js';
import { TraceOperatorEvent } from './trace-event.query.js';

const LIMIT = 200;
const isUuid = (id: string) => id.length === 36;

/**
 * Follows one event through the platform's tables: the ingest log (by trace id or event id), the messaging log (the
 * messages sharing its correlation id — it and everything that followed from it — or its trace), the inbox claims of
 * the consumers that handled them, the worker's runs, the event store's events and the projections' checkpoints,
 * and the dead letters.
 */
@QueryHandler(TraceOperatorEvent)
export class TraceOperatorEventHandler implements IQueryHandler<TraceOperatorEvent> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, id }: TraceOperatorEvent): Promise<OperatorTrace> {
    requirePlatformAdmin(caller);
    const entries = await this.dataSource.getRepository(IngestEntryEntity).find({
      where: isUuid(id) ? { eventId: id } : { traceId: id },
      order: { receivedAt: 'ASC', id: 'ASC' },
      take: LIMIT,
    });
    const ingest = entries.map((e) => ({
      at: e.receivedAt.toISOString(),
      tenantId: e.tenantId,
      actorKind: e.actorKind,
      actorId: e.actorId,
      status: e.status,
      code: e.errorCode,
      topic: e.topic,
      eventId: e.eventId,
      traceId: e.traceId,
    }));
    const seedIds = [...new Set([...(isUuid(id) ? [id] : []), ...entries.flatMap((e) => (e.eventId ? [e.eventId] : []))])];
    const traces = [...new Set([...(isUuid(id) ? [] : [id]), ...entries.flatMap((e) => (e.traceId ? [e.traceId] : []))])];

    // SQL: the messages of the path by envelope fields (jsonb) and a CTE, with the consumers' inbox claims (no ORM form).
    const rows = await this.dataSource.query<MessageRow[]>(
      `WITH seed AS (
         SELECT envelope->>'correlationid' AS c FROM messaging.messages
          WHERE message_id = ANY($1::uuid[]) OR envelope->>'traceparent' LIKE ANY($2::text[]))
       SELECT m.topic, m.partition, m."offset"::text AS "offset", m.message_id::text AS message_id, m.envelope, m.appended_at,
              ARRAY(SELECT i.consumer FROM messaging.inbox i WHERE i.message_id = m.message_id ORDER BY i.consumer) AS handled_by
         FROM messaging.messages m
        WHERE m.message_id = ANY($1::uuid[]) OR m.envelope->>'correlationid' IN (SELECT c FROM seed WHERE c IS NOT NULL)
        ORDER BY m.appended_at, m.topic, m.partition, m."offset" LIMIT $3`,
      [seedIds, traces.map((t) => `00-${t}-%`), LIMIT],
    );
    const messages: TraceMessage[] = rows.map((r) => ({
      topic: r.topic,
      partition: r.partition,
      offset: r.offset,
      messageId: r.message_id,
      causationId: r.envelope.causationid ?? null,
      tenantId: r.envelope.tenantid ?? null,
      subject: r.envelope.subject ?? null,
      source: r.envelope.source ?? null,
      appendedAt: new Date(r.appended_at).toISOString(),
      handledBy: r.handled_by,
    }));
    const ids = [...new Set([...seedIds, ...messages.map((m) => m.messageId)])];
    const tables = await presentTables(this.dataSource, ['worker.runs', 'event_store.events', 'event_store.projection_checkpoints']);
    const runs = tables.has('worker.runs') ? await this.runs(ids) : [];
    const events = tables.has('event_store.events') ? await this.events(ids, tables.has('event_store.projection_checkpoints')) : [];
    const letters = ids.length ? await this.dataSource.manager.find(DeadLetterEntity, { where: { messageId: In(ids) }, order: { id: 'ASC' }, take: LIMIT }) : [];
    return { id, ingest, messages, runs, events, deadLetters: letters.map(toDeadLetter) };
  }

  private async runs(ids: string[]): Promise<OperatorRun[]> {
    // SQL: the worker's table, read across the app boundary in the one database (its entity is the worker's).
    const rows = await this.dataSource.query<RunRow[]>(
      `SELECT ${RUN_COLUMNS} FROM worker.runs WHERE message_id = ANY($1::uuid[]) ORDER BY started_at, id LIMIT $2`,
      [ids, LIMIT],
    );
    return rows.map(toRun);
  }

  private async events(ids: string[], checkpoints: boolean): Promise<TraceStoredEvent[]> {
    // SQL: the event store's log and its projections' checkpoints, compared in commit order (xid8 row comparison).
    const rows = await this.dataSource.query<{ event_id: string; type: string; stream_id: string; position: string; recorded_at: Date; past: string[] }[]>(
      `SELECT e.event_id::text AS event_id, e.type, e.stream_id, e.position::text AS position, e.recorded_at,
              ${checkpoints ? `ARRAY(SELECT c.name FROM event_store.projection_checkpoints c WHERE (c.transaction_id, c.position) >= (e.transaction_id, e.position) ORDER BY c.name)` : `'{}'::text[]`} AS past
         FROM event_store.events e WHERE e.event_id = ANY($1::uuid[]) ORDER BY e.position LIMIT $2`,
      [ids, LIMIT],
    );
    return rows.map((r) => ({ eventId: r.event_id, type: r.type, streamId: r.stream_id, position: r.position, recordedAt: new Date(r.recorded_at).toISOString(), projectionsPast: r.past }));
  }
}

interface MessageRow {
  topic: string;
  partition: number;
  offset: string;
  message_id: string;
  envelope: { causationid?: string; tenantid?: string; subject?: string; source?: string };
  appended_at: Date;
  handled_by: string[];
}
