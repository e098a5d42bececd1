import { Injectable } from '@nestjs/common';
import type { Queryable } from '@tributary/database';
import { TributaryError } from '@tributary/domain';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import { satisfies, wrongExpectedVersion, type ExpectedVersion } from './expected-version.js';
import { EVENT_COLUMNS, LOG_START, toStoredEvent, type EventRow, type LogCursor, type StoredEvent } from './stored-event.js';

/** An event to append; its id makes the append idempotent. */
export interface NewEvent {
  readonly eventId: string;
  readonly type: string;
  readonly topicVersion: number;
  readonly data: object;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly occurredAt: Date | string;
}

export interface AppendOutcome {
  readonly streamId: string;
  /** The stream's version after the append (for a repeat: the version of the repeated events' last one). */
  readonly streamVersion: number;
  /** The stored events, in the order given: newly appended, or the originals of a repeat. */
  readonly events: readonly StoredEvent[];
  /** False when every event id was already stored in this stream: nothing was written. */
  readonly appended: boolean;
}

/** Statements stay below PostgreSQL's 65,535 parameters (7 per event). */
const MAX_EVENTS_PER_STATEMENT = 5_000;

/**
 * The append-only log: streams of events per tenant, each with a version for optimistic concurrency,
 * and one global order readers can follow without ever skipping an event committed late.
 */
@Injectable()
export class EventLog {
  constructor(private readonly dataSource: DataSource) {}

  /** Appends in a transaction of its own. See `appendIn`. */
  appendToStream(tenantId: string, streamId: string, events: readonly NewEvent[], expected: ExpectedVersion): Promise<AppendOutcome> {
    return this.dataSource.transaction((manager) => this.appendIn(manager, tenantId, streamId, events, expected));
  }

  /**
   * Appends `events` to a stream on the caller's transaction, after checking the stream's version
   * against `expected` (a mismatch throws `wrong_expected_version`, kind conflict). The stream's row
   * stays locked until the transaction ends, so concurrent appenders to one stream take turns and at
   * most one of several with the same expected version succeeds. Appending event ids that are all
   * already in this stream changes nothing and returns the original events; a mix of stored and new
   * ids, or ids stored elsewhere, is `event_id_conflict`.
   */
  async appendIn(
    manager: EntityManager,
    tenantId: string,
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedVersion,
  ): Promise<AppendOutcome> {
    if (events.length === 0) throw new TributaryError('invalid', 'events_empty', 'An append needs at least one event');
    const [{ version }] = await manager.query<{ version: number }[]>(
      `INSERT INTO event_store.streams AS s (tenant_id, stream_id, version) VALUES ($1, $2, 0)
       ON CONFLICT (tenant_id, stream_id) DO UPDATE SET version = s.version
       RETURNING version`,
      [tenantId, streamId],
    );
    const repeated = await this.repeated(manager, tenantId, streamId, events);
    if (repeated) return repeated;
    if (!satisfies(expected, version)) throw wrongExpectedVersion(streamId, expected, version);

    const stored: StoredEvent[] = [];
    for (let start = 0; start < events.length; start += MAX_EVENTS_PER_STATEMENT) {
      const chunk = events.slice(start, start + MAX_EVENTS_PER_STATEMENT);
      stored.push(...(await this.insert(manager, tenantId, streamId, version + start, chunk)));
    }
    return { streamId, streamVersion: version + events.length, events: stored, appended: true };
  }

  private async repeated(
    manager: EntityManager,
    tenantId: string,
    streamId: string,
    events: readonly NewEvent[],
  ): Promise<AppendOutcome | undefined> {
    const rows = await manager.query<EventRow[]>(`SELECT ${EVENT_COLUMNS} FROM event_store.events WHERE event_id = ANY($1::uuid[])`, [
      events.map((e) => e.eventId),
    ]);
    if (rows.length === 0) return undefined;
    const sameStream = rows.every((r) => r.tenant_id === tenantId && r.stream_id === streamId);
    if (rows.length !== events.length || !sameStream) throw eventIdConflict();
    const byId = new Map(rows.map((r) => [r.event_id, toStoredEvent(r)]));
    const originals = events.map((e) => byId.get(e.eventId)!);
    return { streamId, streamVersion: Math.max(...originals.map((e) => e.streamVersion)), events: originals, appended: false };
  }

  private async insert(
    manager: EntityManager,
    tenantId: string,
    streamId: string,
    versionBefore: number,
    events: readonly NewEvent[],
  ): Promise<StoredEvent[]> {
    const params: unknown[] = [tenantId, streamId, versionBefore + events.length];
    const values = events.map((event, i) => {
      const at = params.length;
      params.push(
        event.eventId,
        versionBefore + i + 1,
        event.type,
        event.topicVersion,
        JSON.stringify(event.data),
        JSON.stringify(event.metadata),
        event.occurredAt,
      );
      return `($${at + 1}::uuid, $1::uuid, $2, $${at + 2}::int, $${at + 3}, $${at + 4}::int, $${at + 5}::jsonb, $${at + 6}::jsonb, $${at + 7}::timestamptz)`;
    });
    try {
      const rows = await manager.query<EventRow[]>(
        `WITH inserted AS (
           INSERT INTO event_store.events
             (event_id, tenant_id, stream_id, stream_version, type, topic_version, data, metadata, occurred_at)
           VALUES ${values.join(', ')}
           RETURNING ${EVENT_COLUMNS}
         ), bumped AS (
           UPDATE event_store.streams SET version = $3, updated_at = now() WHERE tenant_id = $1 AND stream_id = $2
         )
         SELECT * FROM inserted ORDER BY stream_version`,
        params,
      );
      return rows.map(toStoredEvent);
    } catch (error) {
      // Another transaction stored one of these ids in another stream meanwhile.
      if (error instanceof QueryFailedError && (error.driverError as { constraint?: string }).constraint === 'events_event_id_key') {
        throw eventIdConflict();
      }
      throw error;
    }
  }

  /** A stream's version (0 when it has no events) and timestamps, or undefined when it does not exist. */
  async stream(q: Queryable, tenantId: string, streamId: string): Promise<StreamInfo | undefined> {
    const [row] = await q.query<StreamRow>(
      `SELECT stream_id, version, created_at, updated_at FROM event_store.streams WHERE tenant_id = $1 AND stream_id = $2 AND version > 0`,
      [tenantId, streamId],
    );
    return row && toStreamInfo(row);
  }

  /** A tenant's streams in id order, after `after` (exclusive), optionally those starting with `prefix`. */
  async streams(q: Queryable, tenantId: string, options: { after?: string; prefix?: string; limit: number }): Promise<StreamInfo[]> {
    const rows = await q.query<StreamRow>(
      `SELECT stream_id, version, created_at, updated_at FROM event_store.streams
        WHERE tenant_id = $1 AND version > 0 AND stream_id > $2 AND ($3::text IS NULL OR starts_with(stream_id, $3))
        ORDER BY stream_id LIMIT $4`,
      [tenantId, options.after ?? '', options.prefix ?? null, options.limit],
    );
    return rows.map(toStreamInfo);
  }

  /**
   * Events of one stream by version: forward from `fromVersion` (inclusive, default 1), or backward
   * from it (default: the last one).
   */
  async readStream(
    q: Queryable,
    tenantId: string,
    streamId: string,
    options: { fromVersion?: number; direction: 'forward' | 'backward'; limit: number },
  ): Promise<StoredEvent[]> {
    const forward = options.direction === 'forward';
    const from = options.fromVersion ?? (forward ? 1 : 2 ** 31 - 1);
    const rows = await q.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM event_store.events
        WHERE tenant_id = $1 AND stream_id = $2 AND stream_version ${forward ? '>=' : '<='} $3
        ORDER BY stream_version ${forward ? 'ASC' : 'DESC'} LIMIT $4`,
      [tenantId, streamId, from, options.limit],
    );
    return rows.map(toStoredEvent);
  }

  /**
   * `$all`: events in commit order after `after`, up to the oldest transaction still running — every
   * event before that point is committed or gone for good, so a reader that continues from the last
   * cursor it saw never skips an event committed late and never sees one twice.
   */
  async readAll(q: Queryable, options: ReadAllOptions): Promise<StoredEvent[]> {
    const after = options.after ?? LOG_START;
    const params: unknown[] = [after.transactionId, after.position, options.limit];
    const where = [
      `(transaction_id, position) > ($1::xid8, $2::bigint)`,
      `transaction_id < pg_snapshot_xmin(pg_current_snapshot())`,
    ];
    const add = (sql: (n: number) => string, value: unknown) => where.push(sql(params.push(value)));
    if (options.tenantId) add((n) => `tenant_id = $${n}`, options.tenantId);
    if (options.types?.length) add((n) => `type = ANY($${n}::text[])`, options.types);
    if (options.from) add((n) => `recorded_at >= $${n}`, options.from);
    if (options.to) add((n) => `recorded_at < $${n}`, options.to);
    const rows = await q.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM event_store.events WHERE ${where.join(' AND ')} ORDER BY transaction_id, position LIMIT $3`,
      params,
    );
    return rows.map(toStoredEvent);
  }

  async readEvent(q: Queryable, tenantId: string, eventId: string): Promise<StoredEvent | undefined> {
    const [row] = await q.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM event_store.events WHERE event_id = $1 AND tenant_id = $2`, [
      eventId,
      tenantId,
    ]);
    return row && toStoredEvent(row);
  }
}

export interface ReadAllOptions {
  /** Only this tenant's events (the query API always sets it). */
  readonly tenantId?: string;
  readonly types?: readonly string[];
  /** Recorded at or after. */
  readonly from?: Date;
  /** Recorded before. */
  readonly to?: Date;
  readonly after?: LogCursor;
  readonly limit: number;
}

export interface StreamInfo {
  readonly streamId: string;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

interface StreamRow {
  stream_id: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const toStreamInfo = (row: StreamRow): StreamInfo => ({
  streamId: row.stream_id,
  version: row.version,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const eventIdConflict = () =>
  new TributaryError(
    'conflict',
    'event_id_conflict',
    'An event id of this append is already stored with other events or in another stream; use new ids, or repeat the original append as it was',
  );
