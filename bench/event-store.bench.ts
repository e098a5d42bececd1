import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { uuidv7 } from '@tributary/messaging';
import { createTestDatabase, testSecrets, type TestDatabase } from '@tributary/testing';
import { Topics } from '@tributary/topics';
import { DataSource } from 'typeorm';
import { createEventStoreApp } from '../apps/event-store/src/event-store.app.js';
import { EventStoreConfig, loadEventStoreConfig } from '../apps/event-store/src/event-store.config.js';
import { EventLog, type NewEvent } from '../apps/event-store/src/log/event-log.js';
import { ProjectionRebuilds } from '../apps/event-store/src/projections/rebuild/projection-rebuilds.js';
import { againstBaseline, type BenchSettings, type MeasureResult } from './measure.js';

/** Events per append (and rows per raw INSERT): the log is written in batches, as a busy producer does. */
const BATCH = 100;
/** Writers at once: enough to keep two cores busy without measuring lock queues. */
const WRITERS = 8;
const TENANT = '0190f3b4-0000-7000-8000-0000000000be';

const payload = (n: number) => ({
  trackingId: `PKG-${n % 2000}`,
  carrier: 'dhl',
  status: 'in_transit',
  carrierStatus: 'In transit',
  occurredAt: new Date(Date.UTC(2026, 10, 23, 10, 0, n % 3600)).toISOString(),
});

const newEvents = (count: number, start: number): NewEvent[] =>
  Array.from({ length: count }, (_, i) => {
    const data = payload(start + i);
    return { eventId: uuidv7(), type: Topics.packageUpdated.name, topicVersion: 1, data, metadata: { source: 'bench' }, occurredAt: data.occurredAt };
  });

/** Runs `writers` loops of `step` for the warm-up, then counts what they write during `durationMs`. */
async function throughput(settings: BenchSettings, writers: number, step: (writer: number) => Promise<number>): Promise<{ rate: number; events: number }> {
  let counting = false;
  let stop = false;
  let events = 0;
  const loops = Array.from({ length: writers }, async (_, w) => {
    while (!stop) {
      const written = await step(w);
      if (counting) events += written;
    }
  });
  await sleep(settings.warmupMs);
  counting = true;
  const started = performance.now();
  await sleep(settings.durationMs);
  counting = false;
  const seconds = (performance.now() - started) / 1000;
  stop = true;
  await Promise.all(loops);
  return { rate: events / seconds, events };
}

/**
 * Appending through the log — `appendToStream` with an exact expected version, idempotent by event
 * id: the stream row locked, the ids looked up, the events inserted, the version moved — against a
 * raw multi-row INSERT of the same rows into a copy of the events table (same columns, defaults,
 * constraints and indexes), in the same database, with as many writers.
 */
export async function eventStoreAppend(settings: BenchSettings): Promise<MeasureResult> {
  return withEventStore(async (app, db) => {
    const dataSource = app.get(DataSource);
    const log = app.get(EventLog);
    await dataSource.query(`CREATE TABLE event_store.events_bench_raw (LIKE event_store.events INCLUDING ALL)`);

    const rawStep = async (w: number) => {
      const events = newEvents(BATCH, w * 1_000_000);
      const params: unknown[] = [TENANT, `raw-${w}-${randomUUID()}`];
      const values = events.map((e, i) => {
        const at = params.push(e.eventId, i + 1, e.type, e.topicVersion, JSON.stringify(e.data), JSON.stringify(e.metadata), e.occurredAt) - 7;
        return `($${at + 1}::uuid, $1::uuid, $2, $${at + 2}::int, $${at + 3}, $${at + 4}::int, $${at + 5}::jsonb, $${at + 6}::jsonb, $${at + 7}::timestamptz)`;
      });
      await dataSource.query(
        `INSERT INTO event_store.events_bench_raw (event_id, tenant_id, stream_id, stream_version, type, topic_version, data, metadata, occurred_at)
         VALUES ${values.join(', ')}`,
        params,
      );
      return BATCH;
    };
    const versions = Array.from({ length: WRITERS }, () => 0);
    const streams = Array.from({ length: WRITERS }, (_, w) => `tracking-bench-${w}-${randomUUID()}`);
    const appendStep = async (w: number) => {
      const outcome = await log.appendToStream(TENANT, streams[w], newEvents(BATCH, w * 1_000_000), versions[w]);
      versions[w] = outcome.streamVersion;
      return outcome.events.length;
    };
    // Rounds alternate between the two, so that load from outside the bench weighs on both alike.
    const round = { ...settings, durationMs: settings.durationMs / ROUNDS };
    const raws: number[] = [];
    const measures: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      raws.push((await throughput(round, WRITERS, rawStep)).rate);
      measures.push((await throughput(round, WRITERS, appendStep)).rate);
    }
    const raw = { rate: median(raws) };
    const measured = { rate: median(measures) };

    // One event per append, as the topic consumer does, for the record (not the target).
    const single = await throughput({ ...settings, warmupMs: 200, durationMs: Math.min(settings.durationMs, 2_000) }, WRITERS, async (w) => {
      const outcome = await log.appendToStream(TENANT, streams[w], newEvents(1, w), 'any');
      return outcome.events.length;
    });

    return againstBaseline('event-store append (batches of 100)', 'events/s', measured.rate, raw.rate, 0.6, {
      database: db.kind,
      writers: WRITERS,
      batch: BATCH,
      rounds: ROUNDS,
      rates: measures.map(Math.round),
      baselineRates: raws.map(Math.round),
      singleEventAppendsPerSecond: Math.round(single.rate),
    });
  });
}

/**
 * Rebuilding the package_status projection — events read in commit order into a shadow table,
 * its checkpoint moved with every batch, then swapped in — against reading the same log raw, in
 * the same batches and order, without applying anything.
 */
export async function projectionRebuild(_settings: BenchSettings): Promise<MeasureResult> {
  const events = 200_000;
  // The event store's default REBUILD_BATCH_SIZE; the raw read pages the log in the same size.
  const batch = new EventStoreConfig().REBUILD_BATCH_SIZE;
  return withEventStore(async (app, db) => {
    const dataSource = app.get(DataSource);
    for (let start = 0; start < events; start += 50_000) {
      await dataSource.query(
        `INSERT INTO event_store.events (event_id, tenant_id, stream_id, stream_version, type, topic_version, data, metadata, occurred_at)
         SELECT gen_random_uuid(), $1, 'tracking-PKG-' || (n % 2000), n / 2000 + 1, $2, 1,
                jsonb_build_object('trackingId', 'PKG-' || (n % 2000), 'carrier', 'dhl', 'status', 'in_transit',
                                   'carrierStatus', 'In transit #' || n, 'occurredAt', to_char(ts, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
                '{"source":"bench"}', ts
           FROM generate_series($3::int, $4::int) AS n, LATERAL (SELECT timestamptz '2026-11-23 10:00:00Z' + n * interval '1 second') AS t(ts)`,
        [TENANT, Topics.packageUpdated.name, start, start + 49_999],
      );
    }

    const rawRead = async () => {
      const started = performance.now();
      let cursor = { transactionId: '0', position: '0' };
      let read = 0;
      for (;;) {
        const rows = await dataSource.transaction((manager) =>
          manager.query<{ transaction_id: string; position: string }[]>(
            `SELECT position, event_id, tenant_id, stream_id, stream_version, type, topic_version, data, metadata, occurred_at, recorded_at, transaction_id
               FROM event_store.events WHERE (transaction_id, position) > ($1::xid8, $2::bigint)
              ORDER BY transaction_id, position LIMIT $3`,
            [cursor.transactionId, cursor.position, batch],
          ),
        );
        if (rows.length === 0) break;
        read += rows.length;
        const last = rows[rows.length - 1];
        cursor = { transactionId: last.transaction_id, position: last.position };
      }
      return read / ((performance.now() - started) / 1000);
    };
    const rebuilds = app.get(ProjectionRebuilds);
    const rebuild = async () => {
      const started = performance.now();
      await rebuilds.request('package_status', 'requested', { restart: true });
      for (;;) {
        const state = await rebuilds.state(dataSource, 'package_status');
        if (state?.status === 'done') break;
        if (state?.status === 'failed') throw new Error(`rebuild failed: ${state.error}`);
        await sleep(20);
      }
      return events / ((performance.now() - started) / 1000);
    };
    const raws: number[] = [];
    const measures: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      raws.push(await rawRead());
      measures.push(await rebuild());
    }
    const rows = await dataSource.query(`SELECT count(*)::int AS n FROM event_store.package_status`);
    return againstBaseline('projection rebuild (package_status)', 'events/s', median(measures), median(raws), 0.5, {
      database: db.kind,
      events,
      batch,
      rows: rows[0].n,
      rounds: ROUNDS,
      rates: measures.map(Math.round),
      baselineRates: raws.map(Math.round),
    });
  });
}

async function withEventStore<T>(use: (app: INestApplication, db: TestDatabase) => Promise<T>, env: Record<string, string> = {}): Promise<T> {
  const db = await createTestDatabase();
  try {
    // The live daemon's poll is pushed out of the way: the log is written here without the EventBus.
    const config = loadEventStoreConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent', PROJECTION_POLL_MS: '3600000', ...testSecrets(), ...env });
    const app = await createEventStoreApp(config);
    try {
      return await use(app, db);
    } finally {
      await app.close();
    }
  } finally {
    await db.drop();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Each measure alternates baseline and measured runs this many times and reports their medians. */
const ROUNDS = 3;

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
