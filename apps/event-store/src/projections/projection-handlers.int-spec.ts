import { Module } from '@nestjs/common';
import { uuidv7 } from '@tributary/messaging';
import { eventually } from '@tributary/testing';
import { Topics, type PackageUpdated } from '@tributary/topics';
import { Column, Entity, PrimaryColumn, type DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { eventStoreFixture, type EventStoreFixture, type RunningEventStore } from '../../../../test/support/event-store-fixture.js';
import { EventLog } from '../log/event-log.js';
import { definePlugin } from '../plugins/event-store-plugin.js';
import { installedPlugins } from '../plugins/installed-plugins.js';
import { PackageStatusEntity } from './package-status/package-status.entity.js';
import { Projection, ProjectionContext, ProjectionEventsHandler, type ProjectedEvents, type ProjectionEventHandler } from './projection.js';
import { ProjectionRegistry } from './projection-registry.js';
import { createShadow, dropShadow } from './rebuild/shadow-tables.js';

// A projection of the test's own whose handler fails while `failing` is set.
@Entity({ schema: 'event_store', name: 'test_update_counts' })
class UpdateCountEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId: string;
  @PrimaryColumn('text', { name: 'tracking_id' }) trackingId: string;
  @Column('bigint') updates: string;
}

class UpdateCountsMigration1764001999101 implements MigrationInterface {
  name = 'UpdateCountsMigration1764001999101';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE event_store.test_update_counts (tenant_id uuid, tracking_id text, updates bigint NOT NULL, PRIMARY KEY (tenant_id, tracking_id))`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE event_store.test_update_counts`);
  }
}

const failing = { on: undefined as string | undefined, calls: 0 };

@ProjectionEventsHandler(Topics.packageUpdated)
class CountUpdates implements ProjectionEventHandler<PackageUpdated> {
  async handle({ events, context }: ProjectedEvents<PackageUpdated>): Promise<void> {
    failing.calls++;
    // Written first, so a failure after it shows the handler's writes roll back with the checkpoint.
    await context.table(UpdateCountEntity).add(events.map((e) => ({ tenantId: e.tenantId, trackingId: e.data.trackingId, updates: '1' })), ['updates']);
    if (events.some((e) => e.data.trackingId === failing.on)) throw new Error(`refusing ${failing.on}`);
  }
}

@Projection({ name: 'test_update_counts', version: 1, entities: [UpdateCountEntity], handlers: [CountUpdates] })
class UpdateCounts {}

@Module({ providers: [UpdateCounts, CountUpdates] })
class UpdateCountsModule {}

const plugin = definePlugin({ name: 'test-update-counts', module: UpdateCountsModule, entities: [UpdateCountEntity], migrations: [UpdateCountsMigration1764001999101] });

const update = (trackingId: string, status: string, occurredAt: string): PackageUpdated => ({ trackingId, carrier: 'dhl', status, carrierStatus: status, occurredAt }) as PackageUpdated;

describe('projection handlers and the tables they write', () => {
  let fixture: EventStoreFixture;
  let store: RunningEventStore;
  let dataSource: DataSource;
  let tenantId: string;

  beforeAll(async () => {
    fixture = await eventStoreFixture();
    store = await fixture.start({ PROJECTION_POLL_MS: '50' }, [...installedPlugins, plugin]);
    dataSource = store.dataSource;
    tenantId = (await fixture.tenant(dataSource, 'handlers')).id;
  });

  afterAll(() => fixture?.drop());

  const append = (trackingId: string) =>
    store.app.get(EventLog).appendToStream(tenantId, `tracking-${trackingId}`, [
      { eventId: uuidv7(), type: Topics.packageUpdated.name, topicVersion: 1, data: { ...update(trackingId, 'in_transit', '2026-12-07T10:00:00Z') }, metadata: {}, occurredAt: '2026-12-07T10:00:00Z' },
    ], 'any');
  const counts = async () =>
    Object.fromEntries(
      (await dataSource.query<{ tracking_id: string; updates: string }[]>(`SELECT tracking_id, updates FROM event_store.test_update_counts WHERE tenant_id = $1`, [tenantId])).map(
        (r) => [r.tracking_id, Number(r.updates)],
      ),
    );
  const checkpoint = async () => (await dataSource.query<{ position: string }[]>(`SELECT position FROM event_store.projection_checkpoints WHERE name = 'test_update_counts'`))[0].position;

  it('a handler that throws rolls its batch back with the checkpoint; the batch is applied once it succeeds', async () => {
    await append('OK-1');
    await eventually(counts, (c) => c['OK-1'] === 1);
    const before = await checkpoint();
    failing.on = 'BAD-1';
    failing.calls = 0;
    await append('BAD-1');
    await eventually(() => Promise.resolve(failing.calls), (n) => n >= 3); // retried, never applied
    expect(await checkpoint()).toBe(before);
    expect(await counts()).toEqual({ 'OK-1': 1 });
    failing.on = undefined;
    await eventually(counts, (c) => c['BAD-1'] === 1);
    expect(await counts()).toEqual({ 'OK-1': 1, 'BAD-1': 1 });
  });

  it('a projection reads the topics its handlers handle', () => {
    const registry = store.app.get(ProjectionRegistry);
    expect(registry.find('test_update_counts')?.types).toEqual([Topics.packageUpdated.name]);
  });

  describe('ProjectionTable', () => {
    const tableOf = (path: string, manager = dataSource.manager) =>
      new ProjectionContext(manager, new Map([[PackageStatusEntity, path]]), false).table(PackageStatusEntity);
    const row = (trackingId: string, status: string, updatedAt: string, position: number) => ({
      tenantId,
      trackingId,
      status,
      carrier: 'dhl',
      carrierStatus: status,
      updatedAt,
      lastEventId: uuidv7(),
      lastPosition: String(position),
    });
    const read = (table: string, trackingId: string) =>
      dataSource.query<{ status: string; at: string }[]>(
        `SELECT status, to_char(updated_at AT TIME ZONE 'UTC', 'HH24:MI:SS.US') AS at FROM ${table} WHERE tenant_id = $1 AND tracking_id = $2`,
        [tenantId, trackingId],
      );

    it('upserts many rows in order, each key in successive statements, only ever to a newer (time, position)', async () => {
      const table = tableOf('event_store.package_status');
      await dataSource.transaction(async (manager) => {
        await tableOf('event_store.package_status', manager).upsert(
          [
            row('T-1', 'pre_transit', '2026-12-07T10:00:00.000100Z', 1),
            row('T-2', 'in_transit', '2026-12-07T10:00:00Z', 2),
            row('T-1', 'out_for_delivery', '2026-12-07T10:00:00.000300Z', 3), // newer by 200 µs: wins
            row('T-1', 'in_transit', '2026-12-07T10:00:00.000200Z', 4), // later in the log, but older: loses
          ],
          { onlyIfNewer: ['updatedAt', 'lastPosition'] },
        );
      });
      expect(await read('event_store.package_status', 'T-1')).toEqual([{ status: 'out_for_delivery', at: '10:00:00.000300' }]);
      expect(await read('event_store.package_status', 'T-2')).toEqual([{ status: 'in_transit', at: '10:00:00.000000' }]);
      // A replay changes nothing; an equal time loses to a greater position only.
      await table.upsert([row('T-1', 'pre_transit', '2026-12-07T10:00:00.000300Z', 2)], { onlyIfNewer: ['updatedAt', 'lastPosition'] });
      expect(await read('event_store.package_status', 'T-1')).toEqual([{ status: 'out_for_delivery', at: '10:00:00.000300' }]);
      await table.upsert([row('T-1', 'delivered', '2026-12-07T10:00:00.000300Z', 9)], { onlyIfNewer: ['updatedAt', 'lastPosition'] });
      expect(await read('event_store.package_status', 'T-1')).toEqual([{ status: 'delivered', at: '10:00:00.000300' }]);
    });

    it('writes a shadow table (no entity of its own) exactly as the live one', async () => {
      const [live] = store.app.get(ProjectionRegistry).find('package_status')!.tables;
      await dataSource.transaction(async (manager) => {
        await createShadow(manager, live);
        await tableOf(live.shadowName, manager).upsert(
          [row('S-1', 'pre_transit', '2026-12-07T10:00:00.000100Z', 1), row('S-1', 'in_transit', '2026-12-07T10:00:00.000200Z', 2)],
          { onlyIfNewer: ['updatedAt', 'lastPosition'] },
        );
        const shadow = await manager.query(`SELECT status, to_char(updated_at AT TIME ZONE 'UTC', 'HH24:MI:SS.US') AS at FROM ${live.shadow}`);
        expect(shadow).toEqual([{ status: 'in_transit', at: '10:00:00.000200' }]);
        await dropShadow(manager, live);
      });
    });

    it('adds counters: rows of one key summed, then added to the stored row', async () => {
      const counters = new ProjectionContext(dataSource.manager, new Map([[UpdateCountEntity, 'event_store.test_update_counts']]), false).table(UpdateCountEntity);
      const rows = ['C-1', 'C-2', 'C-1', 'C-1'].map((trackingId) => ({ tenantId, trackingId, updates: '2' }));
      await counters.add(rows, ['updates']);
      await counters.add(rows.slice(0, 2), ['updates']);
      expect(await counts()).toMatchObject({ 'C-1': 8, 'C-2': 4 });
    });
  });
});
