import { Injectable } from '@nestjs/common';
import type { Queryable } from '@tributary/database';
import { TributaryError } from '@tributary/domain';
import { DataSource, LessThanOrEqual, MoreThan, MoreThanOrEqual, QueryFailedError, type EntityManager } from 'typeorm';
import { EventEntity } from './event.entity.js';
import { wrongExpectedVersion, type ExpectedVersion } from './expected-version.js';
import { EVENT_COLUMNS, LOG_START, storedEventOf, toStoredEvent, type EventRow, type LogCursor, type StoredEvent } from './stored-event.js';
import { StreamEntity } from './stream.entity.js';

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

/**
 * The append-only log: streams of events per tenant, each with a version for optimistic concurrency,
 * and one global order readers can follow without ever skipping an event committed late.
 */
@Injectable()
export class EventLog {
  constructor(private readonly dataSource: DataSource) {}

  /** Appends in a statement of its own (atomic: one transaction). See `appendIn`. */
  appendToStream(tenantId: string, streamId: string, events: readonly NewEvent[], expected: ExpectedVersion): Promise<AppendOutcome> {
    return this.appendIn(this.dataSource, tenantId, streamId, events, expected);
  }

  /**
   * Appends `events` to a stream, on the caller's transaction when `q` is one, after checking the
   * stream's version against `expected` (a mismatch throws `wrong_expected_version`, kind conflict).
   * The stream's row stays locked until the transaction ends, so concurrent appenders to one stream
   * take turns and at most one of several with the same expected version succeeds. Appending event
   * ids that are all already in this stream changes nothing and returns the original events; a mix
   * of stored and new ids, or ids stored in another of the tenant's streams, is `event_id_conflict`
   * (ids are unique per tenant: another tenant's events are neither seen nor in the way). One
   * statement: the database function `event_store.append_to_stream` (see its migrations).
   */
  async appendIn(q: Queryable, tenantId: string, streamId: string, events: readonly NewEvent[], expected: ExpectedVersion): Promise<AppendOutcome> {
    if (events.length === 0) throw new TributaryError('invalid', 'events_empty', 'An append needs at least one event');
    const payload = JSON.stringify(
      events.map((e) => ({ eventId: e.eventId, type: e.type, topicVersion: e.topicVersion, data: e.data, metadata: e.metadata, occurredAt: e.occurredAt })),
    );
    let rows: (EventRow & { appended: boolean })[];
    try {
      // SQL: the hot path — the whole append (lock, idempotency, version check, insert) is one call of a database function.
      rows = await q.query<EventRow & { appended: boolean }>(
        `SELECT ${EVENT_COLUMNS}, appended FROM event_store.append_to_stream($1, $2, $3, $4::jsonb)`,
        [tenantId, streamId, String(expected), payload],
      );
    } catch (error) {
      throw appendError(error, streamId, expected);
    }
    const stored = rows.map(toStoredEvent);
    if (rows[0]?.appended) return { streamId, streamVersion: stored[stored.length - 1].streamVersion, events: stored, appended: true };
    const byId = new Map(stored.map((e) => [e.eventId, e]));
    const originals = events.map((e) => byId.get(e.eventId.toLowerCase())!);
    return { streamId, streamVersion: Math.max(...originals.map((e) => e.streamVersion)), events: originals, appended: false };
  }

  /**
   * Appends to many streams in one statement (one transaction, all or nothing), each with expected
   * version `any`: every run of `appends` of one stream in the order given. The streams are locked
   * in (tenant, stream) order, so two batches never wait on each other in a cycle. Idempotent per
   * stream as `appendIn`: a stream whose events are all stored already is returned as it is (not
   * `appended`); a stream with a mix of stored and new ids fails the whole statement
   * (`event_id_conflict`), and the caller appends one by one. The stored events come back in the
   * order of `appends`.
   */
  async appendBatch(q: Queryable, appends: readonly { tenantId: string; streamId: string; event: NewEvent }[]): Promise<(StoredEvent & { appended: boolean })[]> {
    const streams = new Map<string, { tenantId: string; streamId: string; events: NewEvent[] }>();
    for (const { tenantId, streamId, event } of appends) {
      const key = `${tenantId}\u0000${streamId}`;
      const stream = streams.get(key) ?? { tenantId, streamId, events: [] };
      stream.events.push(event);
      streams.set(key, stream);
    }
    const ordered = [...streams.values()].sort((a, b) => compare(a.tenantId, b.tenantId) || compare(a.streamId, b.streamId));
    const payload = JSON.stringify(
      ordered.map((s) => ({
        tenantId: s.tenantId,
        streamId: s.streamId,
        events: s.events.map((e) => ({ eventId: e.eventId, type: e.type, topicVersion: e.topicVersion, data: e.data, metadata: e.metadata, occurredAt: e.occurredAt })),
      })),
    );
    let rows: (EventRow & { appended: boolean })[];
    try {
      // SQL: the hot path — a batch's appends in one statement, the append function run per stream over a jsonb array (no ORM form).
      rows = await q.query<EventRow & { appended: boolean }>(
        `SELECT r.* FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS a(item, n)
           CROSS JOIN LATERAL event_store.append_to_stream((a.item->>'tenantId')::uuid, a.item->>'streamId', 'any', a.item->'events') AS r
          ORDER BY a.n, r.stream_version`,
        [payload],
      );
    } catch (error) {
      throw appendError(error, `${ordered.length} streams`, 'any');
    }
    // Event ids are unique per tenant: two tenants' events may share one.
    const byId = new Map(rows.map((row) => [`${row.tenant_id}\u0000${row.event_id}`, { ...toStoredEvent(row), appended: row.appended }]));
    return appends.map(({ tenantId, event }) => byId.get(`${tenantId}\u0000${event.eventId.toLowerCase()}`)!);
  }

  /** A stream's version (0 when it has no events) and timestamps, or undefined when it does not exist. */
  async stream(q: EntityManager | DataSource, tenantId: string, streamId: string): Promise<StreamInfo | undefined> {
    const row = await q.getRepository(StreamEntity).findOneBy({ tenantId, streamId, version: MoreThan(0) });
    return row ? toStreamInfo(row) : undefined;
  }

  /** A tenant's streams in id order, after `after` (exclusive), optionally those starting with `prefix`. */
  async streams(q: EntityManager | DataSource, tenantId: string, options: { after?: string; prefix?: string; limit: number }): Promise<StreamInfo[]> {
    const streams = q
      .getRepository(StreamEntity)
      .createQueryBuilder('s')
      .where('s.tenantId = :tenantId', { tenantId })
      .andWhere('s.version > 0')
      .andWhere('s.streamId > :after', { after: options.after ?? '' });
    if (options.prefix !== undefined) streams.andWhere('starts_with(s.stream_id, :prefix)', { prefix: options.prefix });
    const rows = await streams.orderBy('s.streamId').limit(options.limit).getMany();
    return rows.map(toStreamInfo);
  }

  /**
   * Events of one stream by version: forward from `fromVersion` (inclusive, default 1), or backward
   * from it (default: the last one).
   */
  async readStream(
    q: EntityManager | DataSource,
    tenantId: string,
    streamId: string,
    options: { fromVersion?: number; direction: 'forward' | 'backward'; limit: number },
  ): Promise<StoredEvent[]> {
    const forward = options.direction === 'forward';
    const from = options.fromVersion ?? (forward ? 1 : 2 ** 31 - 1);
    const rows = await q.getRepository(EventEntity).find({
      where: { tenantId, streamId, streamVersion: forward ? MoreThanOrEqual(from) : LessThanOrEqual(from) },
      order: { streamVersion: forward ? 'ASC' : 'DESC' },
      take: options.limit,
    });
    return rows.map(storedEventOf);
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
    // SQL: xid8 row comparisons against the snapshot's horizon (pg_snapshot_xmin), no ORM form.
    const rows = await q.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM event_store.events WHERE ${where.join(' AND ')} ORDER BY transaction_id, position LIMIT $3`,
      params,
    );
    return rows.map(toStoredEvent);
  }

  async readEvent(q: EntityManager | DataSource, tenantId: string, eventId: string): Promise<StoredEvent | undefined> {
    const row = await q.getRepository(EventEntity).findOneBy({ eventId, tenantId });
    return row ? storedEventOf(row) : undefined;
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

const toStreamInfo = (row: StreamEntity): StreamInfo => ({
  streamId: row.streamId,
  version: row.version,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

/** The append function's coded failures (and a duplicate id racing in from another stream) as domain errors. */
function appendError(error: unknown, streamId: string, expected: ExpectedVersion): unknown {
  const driver = error instanceof QueryFailedError ? (error.driverError as { code?: string; constraint?: string; detail?: string }) : undefined;
  if (driver?.code === 'TB001') return wrongExpectedVersion(streamId, expected, Number(driver.detail));
  if (driver?.code === 'TB002' || (driver?.code === '23505' && driver.constraint === 'events_tenant_event_id_key')) return eventIdConflict();
  return error;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const eventIdConflict = () =>
  new TributaryError(
    'conflict',
    'event_id_conflict',
    'An event id of this append is already stored with other events or in another stream; use new ids, or repeat the original append as it was',
  );
