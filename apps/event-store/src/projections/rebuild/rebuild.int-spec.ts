import { randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import pg from 'pg';
import { uuidv7 } from '@tributary/messaging';
import { eventually, readJson } from '@tributary/testing';
import { Topics } from '@tributary/topics';
import { Column, Entity, PrimaryColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { eventStoreFixture, type EventStoreFixture, type RunningEventStore } from '../../../../../test/support/event-store-fixture.js';
import { EventLog, type NewEvent } from '../../log/event-log.js';
import { definePlugin, type EventStorePlugin } from '../../plugins/event-store-plugin.js';
import { installedPlugins } from '../../plugins/installed-plugins.js';
import { Projection, ProjectionEventsHandler, type ProjectedEvents, type ProjectionEventHandler } from '../projection.js';
import { ProjectionRegistry } from '../projection-registry.js';
import type { PackageUpdated } from '@tributary/topics';

const STATUSES = ['pre_transit', 'in_transit', 'out_for_delivery', 'delivered'];

/** A package update (and, every third time, the raw carrier update before it, which package_status skips). */
function updates(tenantId: string, count: number, prefix = 'PKG'): Array<{ tenantId: string; stream: string; event: NewEvent }> {
  return Array.from({ length: count }, (_, i) => {
    const trackingId = `${prefix}-${i % 17}`;
    // Out of order on purpose: later updates sometimes happened earlier.
    const occurredAt = new Date(Date.UTC(2026, 10, 23, 10, (i * 7) % 60, i % 13)).toISOString();
    const data =
      i % 3 === 0
        ? { trackingId, carrier: 'dhl', status: 'In transit', occurredAt }
        : { trackingId, carrier: 'dhl', status: STATUSES[i % 4], carrierStatus: `status ${i}`, occurredAt };
    const type = i % 3 === 0 ? Topics.carrierUpdateReceived.name : Topics.packageUpdated.name;
    return { tenantId, stream: `tracking-${trackingId}`, event: { eventId: uuidv7(), type, topicVersion: 1, data, metadata: {}, occurredAt } };
  });
}

/** Build events of a few builds, out of order, for the builds plugin's projection. */
function buildEvents(tenantId: string): Array<{ tenantId: string; stream: string; event: NewEvent }> {
  const project = randomUUID();
  return Array.from({ length: 30 }, (_, i) => {
    const buildId = `00000000-0000-4000-8000-00000000000${i % 5}`;
    const at = new Date(Date.UTC(2026, 0, 1, 10, (i * 11) % 60)).toISOString();
    const [type, data] = [
      [Topics.buildCreated.name, { buildId, projectId: project, createdAt: at, branchName: `b${i}` }],
      [Topics.buildUpdated.name, { buildId, projectId: project, updatedAt: at, status: `s${i}` }],
      [Topics.buildDiskUsageUpdated.name, { buildId, projectId: project, measuredAt: at, realBytes: i * 10, virtualBytes: i * 100 }],
      [Topics.buildReaped.name, { buildId, projectId: project, reapedAt: at }],
    ][i % 4] as [string, object];
    return { tenantId, stream: `build-${buildId}`, event: { eventId: uuidv7(), type, topicVersion: 1, data, metadata: {}, occurredAt: at } };
  });
}

// A projection plugin of the test's own, in two versions, to see a version change rebuild it.
@Entity({ schema: 'event_store', name: 'test_carrier_counts' })
class CarrierCountEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId: string;
  @PrimaryColumn('text') carrier: string;
  @Column('bigint') weight: string;
}

class CarrierCountsMigration1764001999001 implements MigrationInterface {
  name = 'CarrierCountsMigration1764001999001';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE event_store.test_carrier_counts (tenant_id uuid, carrier text, weight bigint NOT NULL, PRIMARY KEY (tenant_id, carrier))`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE event_store.test_carrier_counts`);
  }
}

function carrierCountsPlugin(version: number): EventStorePlugin {
  // Version 1 counts updates; version 2 gives each update a weight of 10.
  @ProjectionEventsHandler(Topics.packageUpdated)
  class CountCarrierUpdates implements ProjectionEventHandler<PackageUpdated> {
    async handle({ events, context }: ProjectedEvents<PackageUpdated>): Promise<void> {
      const weight = version === 1 ? '1' : '10';
      await context.table(CarrierCountEntity).add(events.map((e) => ({ tenantId: e.tenantId, carrier: e.data.carrier, weight })), ['weight']);
    }
  }
  @Projection({ name: 'test_carrier_counts', version, entities: [CarrierCountEntity], handlers: [CountCarrierUpdates] })
  class CarrierCounts {}
  @Module({ providers: [CarrierCounts, CountCarrierUpdates] })
  class CarrierCountsModule {}
  return definePlugin({ name: 'test-carrier-counts', module: CarrierCountsModule, entities: [CarrierCountEntity], migrations: [CarrierCountsMigration1764001999001] });
}

describe('projection rebuilds', () => {
  let fixture: EventStoreFixture;
  let store: RunningEventStore;
  let adminKey: string;
  const tenants = [randomUUID(), randomUUID()];
  // One event per rebuild transaction: a rebuild of this log takes hundreds of transactions, so a
  // test that stops it right after starting it catches it half-way.
  const env = { PROJECTION_POLL_MS: '50', REBUILD_BATCH_SIZE: '1', PROJECTION_BATCH_SIZE: '20' };

  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${store.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await readJson(response) };
  };
  const status = async (name: string) => (await admin('GET', `/v1/projections/${name}`)).body;
  const append = async (batch: ReturnType<typeof updates>) => {
    const log = store.app.get(EventLog);
    for (const { tenantId, stream, event } of batch) await log.appendToStream(tenantId, stream, [event], 'any');
  };
  const caughtUp = (name: string) => eventually(() => status(name), (s) => s.state === 'live' && s.lag === 0, { timeoutMs: 30_000 });
  const rebuilt = (name: string) => eventually(() => status(name), (s) => s.rebuild?.status === 'done', { timeoutMs: 60_000 });
  const snapshot = async (table: string) => store.dataSource.query(`SELECT * FROM ${table} ORDER BY 1, 2`);
  /**
   * Makes rebuild batches wait (a table lock: unlike a row lock it takes no transaction id, so it
   * does not hold back the log's readers) until the returned function is called.
   */
  const holdRebuilds = async () => {
    const runner = store.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await runner.query(`LOCK TABLE event_store.projection_rebuilds IN EXCLUSIVE MODE`);
    return async () => {
      await runner.rollbackTransaction();
      await runner.release();
    };
  };
  const tablesOf = (name: string) => store.app.get(ProjectionRegistry).find(name)!.tables.map((t) => t.name);

  beforeAll(async () => {
    fixture = await eventStoreFixture();
    store = await fixture.start(env, [...installedPlugins, carrierCountsPlugin(1)]);
    adminKey = await fixture.adminKey(store.dataSource);
    await append([...updates(tenants[0], 120), ...buildEvents(tenants[0]), ...updates(tenants[1], 60), ...buildEvents(tenants[1])]);
  });

  afterAll(() => fixture?.drop());

  it('lists every projection with its version and lag, to the platform admin only', async () => {
    await caughtUp('package_status');
    const { status: code, body } = await admin('GET', '/v1/projections');
    expect(code).toBe(200);
    expect(body.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['package_status', 'test_carrier_counts']));
    expect(body.find((p: { name: string }) => p.name === 'package_status')).toMatchObject({
      version: 2,
      liveVersion: 2,
      state: 'live',
      tables: ['event_store.package_status'],
      events: ['tracking.package.updated'],
      lag: 0,
      cursor: expect.stringMatching(/^\d+\.\d+$/),
    });
    const tenant = await fixture.tenant(store.dataSource, 'not-an-admin');
    const asTenant = await fetch(`${store.url}/v1/projections`, { headers: { authorization: `Bearer ${tenant.apiKey}` } });
    expect({ status: asTenant.status, code: (await readJson(asTenant)).error.code }).toEqual({ status: 403, code: 'admin_required' });
    expect((await fetch(`${store.url}/v1/projections`)).status).toBe(401);
    const metrics = await (await fetch(`${store.url}/metrics`)).text();
    expect(metrics).toMatch(/tributary_projection_lag_events\{projection="package_status",app="event-store"\} 0/);
    expect(await admin('GET', '/v1/projections/nope')).toMatchObject({ status: 404, body: { error: { code: 'projection_not_found' } } });
    expect(await admin('POST', '/v1/projections/nope/rebuild', {})).toMatchObject({ status: 404, body: { error: { code: 'projection_not_found' } } });
    expect(await admin('POST', '/v1/projections/package_status/rebuild', { restart: 'yes' })).toMatchObject({
      status: 400,
      body: { error: { code: 'validation_failed' } },
    });
  });

  it('rebuilds every projection to exactly what the live one holds, repairing a damaged table', async () => {
    for (const name of store.app.get(ProjectionRegistry).all.map((p) => p.name)) {
      await caughtUp(name);
      const live = await Promise.all(tablesOf(name).map(snapshot));
      for (const table of tablesOf(name)) await store.dataSource.query(`DELETE FROM ${table} WHERE ctid IN (SELECT ctid FROM ${table} LIMIT 3)`);
      const started = await admin('POST', `/v1/projections/${name}/rebuild`, {});
      expect(started).toMatchObject({ status: 202, body: { name, state: 'rebuilding', rebuild: { status: 'building', reason: 'requested' } } });
      const done = await rebuilt(name);
      expect(done.rebuild).toMatchObject({ targetVersion: done.version, error: null });
      expect(done.rebuild.processed).toBe(done.rebuild.total);
      expect(await Promise.all(tablesOf(name).map(snapshot))).toEqual(live);
      const shadows = await store.dataSource.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'event_store' AND tablename LIKE '%__rebuild'`);
      expect(shadows[0].n).toBe(0);
    }
  });

  it('keeps serving the live table while the shadow builds, and keeps following the log meanwhile', async () => {
    if (fixture.db.kind === 'embedded') return console.warn('skipped: holding a lock would stop the embedded database');
    await caughtUp('package_status');
    await store.dataSource.query(`UPDATE event_store.package_status SET status = 'damaged' WHERE tracking_id = 'PKG-1'`);
    const before = await snapshot('event_store.package_status');
    await admin('POST', '/v1/projections/package_status/rebuild', { restart: true });
    const release = await holdRebuilds();
    try {
      const half = await status('package_status');
      expect(half).toMatchObject({ state: 'rebuilding', rebuild: { status: 'building' } });
      expect(half.rebuild.processed).toBeLessThan(half.rebuild.total);
      expect(await snapshot('event_store.package_status')).toEqual(before);
      // New events still reach the live table during the rebuild.
      await append(updates(tenants[0], 3, 'NEW'));
      await eventually(() => store.dataSource.query(`SELECT count(*)::int AS n FROM event_store.package_status WHERE tracking_id LIKE 'NEW-%'`), (r) => r[0].n === 2);
    } finally {
      await release();
    }
    await rebuilt('package_status');
    const after = await snapshot('event_store.package_status');
    expect(after.find((r: { tracking_id: string }) => r.tracking_id === 'PKG-1').status).not.toBe('damaged');
    expect(after.filter((r: { tracking_id: string }) => r.tracking_id.startsWith('NEW-'))).toHaveLength(2);
  });

  it('resumes an interrupted rebuild where it stopped', async () => {
    if (fixture.db.kind === 'embedded') return console.warn('skipped: holding a lock would stop the embedded database');
    await caughtUp('package_status');
    const reference = await snapshot('event_store.package_status');
    await admin('POST', '/v1/projections/package_status/rebuild', { restart: true });
    // Freeze it half-way, then stop the app (the batch in hand finishes once released).
    const release = await holdRebuilds();
    let interrupted;
    try {
      interrupted = await status('package_status');
    } finally {
      const closed = store.close();
      await release();
      await closed;
    }

    store = await fixture.start(env, [...installedPlugins, carrierCountsPlugin(1)]);
    const done = await rebuilt('package_status');
    const [{ n: handled }] = await store.dataSource.query(`SELECT count(*)::int AS n FROM event_store.events WHERE type = 'tracking.package.updated'`);
    expect(interrupted.rebuild).toMatchObject({ status: 'building' });
    expect(interrupted.rebuild.processed).toBeLessThan(handled);
    // Not started over: the same start, and every event applied once in all.
    expect(done.rebuild.startedAt).toBe(interrupted.rebuild.startedAt);
    expect(done.rebuild.processed).toBe(handled);
    expect(await snapshot('event_store.package_status')).toEqual(reference);
  });

  it('rebuilds a projection whose version changed, leaving the old tables in place until the swap', async () => {
    await caughtUp('test_carrier_counts');
    const counts = await store.dataSource.query(
      `SELECT tenant_id, count(*)::int AS n FROM event_store.events WHERE type = 'tracking.package.updated' GROUP BY tenant_id ORDER BY tenant_id`,
    );
    const weights = async () => (await snapshot('event_store.test_carrier_counts')).map((r: { weight: string }) => Number(r.weight));
    expect(await weights()).toEqual(counts.map((c: { n: number }) => c.n));
    await store.close();
    // Readers keep the version-1 table until the swap (held back here by a lock on the live table).
    const reader = fixture.db.kind === 'server' ? new pg.Client({ connectionString: fixture.db.url }) : undefined;
    await reader?.connect();
    await reader?.query(`BEGIN; LOCK TABLE event_store.test_carrier_counts IN SHARE MODE`);
    store = await fixture.start(env, [...installedPlugins, carrierCountsPlugin(2)]);
    if (reader) {
      await eventually(() => status('test_carrier_counts'), (s) => s.state === 'rebuilding' && s.rebuild.processed > 0);
      expect(await status('test_carrier_counts')).toMatchObject({ version: 2, liveVersion: 1 });
      const during = await reader.query(`SELECT weight FROM event_store.test_carrier_counts ORDER BY tenant_id, carrier`);
      expect(during.rows.map((r) => Number(r.weight))).toEqual(counts.map((c: { n: number }) => c.n));
      await reader.query('ROLLBACK');
      await reader.end();
    }
    const done = await rebuilt('test_carrier_counts');
    expect(done).toMatchObject({ version: 2, liveVersion: 2, state: 'live', rebuild: { reason: 'version-change', targetVersion: 2 } });
    expect(await weights()).toEqual(counts.map((c: { n: number }) => c.n * 10));
  });
});
