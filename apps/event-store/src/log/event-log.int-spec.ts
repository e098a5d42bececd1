import { randomUUID } from 'node:crypto';
import { TributaryError } from '@tributary/domain';
import { uuidv7 } from '@tributary/messaging';
import { eventually } from '@tributary/testing';
import type { DataSource, QueryRunner } from 'typeorm';
import { eventStoreFixture, type EventStoreFixture, type RunningEventStore } from '../../../../test/support/event-store-fixture.js';
import { EventLog, type NewEvent } from './event-log.js';
import type { ExpectedVersion } from './expected-version.js';
import { LOG_START, parseLogCursor, type StoredEvent } from './stored-event.js';

const newEvent = (n = 0): NewEvent => ({
  eventId: uuidv7(),
  type: 'tracking.package.updated',
  topicVersion: 1,
  data: { trackingId: `PKG-${n}`, carrier: 'dhl', status: 'in_transit', carrierStatus: 'In transit', occurredAt: '2026-11-23T10:00:00.000Z' },
  metadata: { source: 'test' },
  occurredAt: '2026-11-23T10:00:00.000Z',
});

const codeOf = async (work: Promise<unknown>) => {
  try {
    await work;
    return 'ok';
  } catch (error) {
    return error instanceof TributaryError ? `${error.kind}:${error.code}` : `unexpected: ${(error as Error).message}`;
  }
};

describe('the event log', () => {
  let fixture: EventStoreFixture;
  let store: RunningEventStore;
  let log: EventLog;
  let dataSource: DataSource;
  const tenant = randomUUID();

  beforeAll(async () => {
    fixture = await eventStoreFixture();
    store = await fixture.start();
    log = store.app.get(EventLog);
    dataSource = store.dataSource;
  });

  afterAll(() => fixture?.drop());

  const eventCount = async (where = 'true', params: unknown[] = []) =>
    Number((await dataSource.query(`SELECT count(*) AS n FROM event_store.events WHERE ${where}`, params))[0].n);

  describe('appendToStream with an expected version', () => {
    it.each<[string, ExpectedVersion, number, string]>([
      ['any on a new stream', 'any', 0, 'ok'],
      ['any on an existing stream', 'any', 2, 'ok'],
      ['no-stream on a new stream', 'no-stream', 0, 'ok'],
      ['no-stream on an existing stream', 'no-stream', 1, 'conflict:wrong_expected_version'],
      ['stream-exists on a new stream', 'stream-exists', 0, 'conflict:wrong_expected_version'],
      ['stream-exists on an existing stream', 'stream-exists', 3, 'ok'],
      ['the exact version', 2, 2, 'ok'],
      ['0 on a new stream', 0, 0, 'ok'],
      ['a version behind', 1, 2, 'conflict:wrong_expected_version'],
      ['a version ahead', 3, 2, 'conflict:wrong_expected_version'],
    ])('%s', async (_, expected, existing, outcome) => {
      const stream = `order-${randomUUID()}`;
      if (existing > 0) await log.appendToStream(tenant, stream, Array.from({ length: existing }, (_, i) => newEvent(i)), 'no-stream');
      const before = await eventCount('stream_id = $1', [stream]);
      expect(await codeOf(log.appendToStream(tenant, stream, [newEvent(), newEvent()], expected))).toBe(outcome);
      expect(await eventCount('stream_id = $1', [stream])).toBe(outcome === 'ok' ? before + 2 : before);
      const info = await log.stream(dataSource, tenant, stream);
      expect(info?.version ?? 0).toBe(outcome === 'ok' ? existing + 2 : existing);
    });

    it('numbers a stream 1..n, and tells the actual version on a conflict', async () => {
      const stream = `order-${randomUUID()}`;
      const first = await log.appendToStream(tenant, stream, [newEvent(1), newEvent(2)], 'no-stream');
      const second = await log.appendToStream(tenant, stream, [newEvent(3)], 2);
      expect(first.events.map((e) => e.streamVersion)).toEqual([1, 2]);
      expect(second).toMatchObject({ streamVersion: 3, appended: true });
      expect(second.events[0].position).toBeGreaterThan(first.events[1].position);
      const error = await log.appendToStream(tenant, stream, [newEvent()], 1).catch((e: TributaryError) => e);
      expect(error).toMatchObject({ code: 'wrong_expected_version', details: { streamId: stream, expectedVersion: 1, actualVersion: 3 } });
    });
  });

  describe('idempotency by event id', () => {
    it('returns the original events and positions for a repeated append, whatever version it expects now', async () => {
      const stream = `order-${randomUUID()}`;
      const events = [newEvent(1), newEvent(2)];
      const original = await log.appendToStream(tenant, stream, events, 'no-stream');
      await log.appendToStream(tenant, stream, [newEvent(3)], 2);
      const repeat = await log.appendToStream(tenant, stream, events, 'no-stream');
      expect(repeat).toEqual({ ...original, appended: false });
      expect(await eventCount('stream_id = $1', [stream])).toBe(3);
    });

    it('refuses a mix of stored and new ids, and an id stored in another of the tenant’s streams, writing nothing', async () => {
      const stream = `order-${randomUUID()}`;
      const stored = newEvent();
      await log.appendToStream(tenant, stream, [stored], 'any');
      const before = await eventCount();
      expect(await codeOf(log.appendToStream(tenant, stream, [stored, newEvent()], 'any'))).toBe('conflict:event_id_conflict');
      expect(await codeOf(log.appendToStream(tenant, `other-${randomUUID()}`, [stored], 'any'))).toBe('conflict:event_id_conflict');
      expect(await eventCount()).toBe(before);
    });

    it("takes an id another tenant's event has as an unused one: ids are unique per tenant (found by test/int/tenant-isolation-randomized)", async () => {
      const stream = `order-${randomUUID()}`;
      const stored = newEvent();
      await log.appendToStream(tenant, stream, [stored], 'any');
      const other = randomUUID();
      const appended = await log.appendToStream(other, stream, [{ ...stored, data: { ...stored.data, status: 'theirs' } }], 'no-stream');
      expect(appended).toMatchObject({ appended: true, streamVersion: 1 });
      expect((await log.readEvent(dataSource, tenant, stored.eventId))?.data).toEqual(stored.data);
      expect((await log.readEvent(dataSource, other, stored.eventId))?.data).toEqual({ ...stored.data, status: 'theirs' });
      // Each tenant's repeat is its own idempotent no-op; the batch path keeps the two apart too.
      expect(await log.appendToStream(other, stream, [{ ...stored, data: { ...stored.data, status: 'theirs' } }], 'any')).toMatchObject({ appended: false });
      const batch = await log.appendBatch(dataSource, [
        { tenantId: tenant, streamId: stream, event: stored },
        { tenantId: other, streamId: stream, event: stored },
      ]);
      expect(batch.map((e) => [e.tenantId, e.appended])).toEqual([
        [tenant, false],
        [other, false],
      ]);
    });
  });

  describe('concurrency', () => {
    const inTransaction = async <T>(work: (runner: QueryRunner) => Promise<T>): Promise<{ runner: QueryRunner; result: Promise<T> }> => {
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      return { runner, result: work(runner) };
    };
    const finish = async (runner: QueryRunner, commit: boolean) => {
      if (commit) await runner.commitTransaction();
      else await runner.rollbackTransaction();
      await runner.release();
    };

    it('lets exactly one of two appends with the same expected version succeed', async () => {
      if (fixture.db.kind === 'embedded') return console.warn('skipped: the embedded database runs one transaction at a time');
      const stream = `order-${randomUUID()}`;
      await log.appendToStream(tenant, stream, [newEvent()], 'no-stream');
      const a = await inTransaction((r) => log.appendIn(r.manager, tenant, stream, [newEvent()], 1));
      await a.result;
      // b waits on the stream's row lock until a commits, then sees version 2.
      const b = await inTransaction((r) => log.appendIn(r.manager, tenant, stream, [newEvent()], 1));
      const bOutcome = codeOf(b.result);
      await finish(a.runner, true);
      expect(await bOutcome).toBe('conflict:wrong_expected_version');
      await finish(b.runner, false);
      expect((await log.stream(dataSource, tenant, stream))?.version).toBe(2);
    });

    it('lets exactly one of many concurrent appends with the same expected version succeed', async () => {
      const stream = `order-${randomUUID()}`;
      await log.appendToStream(tenant, stream, [newEvent()], 'no-stream');
      const outcomes = await Promise.all(Array.from({ length: 8 }, () => codeOf(log.appendToStream(tenant, stream, [newEvent()], 1))));
      expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'conflict:wrong_expected_version')).toHaveLength(7);
      expect(await eventCount('stream_id = $1', [stream])).toBe(2);
    });

    it('never lets a catching-up reader skip or repeat an event, whatever order writers commit in', async () => {
      if (fixture.db.kind === 'embedded') return console.warn('skipped: the embedded database runs one transaction at a time');
      // A tenant of its own: its $all holds only this test's events.
      const tenant = randomUUID();
      const seen: StoredEvent[] = [];
      let cursor = LOG_START;
      const readOn = async () => {
        for (;;) {
          const page = await log.readAll(dataSource, { tenantId: tenant, after: cursor, limit: 2 });
          seen.push(...page);
          if (page.length === 0) return;
          cursor = parseLogCursor(page[page.length - 1].cursor);
        }
      };
      const append = (r: QueryRunner, n: number) => log.appendIn(r.manager, tenant, `gap-${randomUUID()}`, [newEvent(n)], 'any');

      const slow = await inTransaction((r) => append(r, 1)); // takes the lowest position, commits last
      await slow.result;
      const middle = await inTransaction((r) => append(r, 2));
      await middle.result;
      const fast = await inTransaction((r) => append(r, 3));
      await fast.result;
      await finish(fast.runner, true);
      await readOn();
      expect(seen).toEqual([]); // `fast` is committed, but `slow` and `middle` could still land before it
      await finish(middle.runner, true);
      await readOn();
      expect(seen).toEqual([]);
      const late = await inTransaction((r) => append(r, 4));
      await late.result;
      await finish(slow.runner, true);
      // (The app's own short transactions may hold the horizon back a moment: read on until they end.)
      const readUntil = (n: number) =>
        eventually(
          async () => {
            await readOn();
            return seen.length;
          },
          (length) => length >= n,
        );
      await readUntil(3);
      expect(seen.map((e) => (e.data as { trackingId: string }).trackingId)).toEqual(['PKG-1', 'PKG-2', 'PKG-3']);
      await finish(late.runner, true);
      await readUntil(4);
      expect(seen.map((e) => (e.data as { trackingId: string }).trackingId)).toEqual(['PKG-1', 'PKG-2', 'PKG-3', 'PKG-4']);
      expect(new Set(seen.map((e) => e.eventId)).size).toBe(4);
    });
  });
});
