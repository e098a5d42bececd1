import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@tributary/database';
import { uuidv7 } from '@tributary/messaging';
import { Topics } from '@tributary/topics';
import { run, type CliResult } from '../../apps/cli/src/main.js';
import { EventLog } from '../../apps/event-store/src/log/event-log.js';
import { eventStoreFixture, type EventStoreFixture, type RunningEventStore } from '../support/event-store-fixture.js';

/** `tributary projections …` against a running event store, over its admin API only. */
describe('tributary projections', () => {
  let fixture: EventStoreFixture;
  let store: RunningEventStore;
  let env: Record<string, string>;
  let dir: string;
  const progress: Array<{ line: string; done: boolean }> = [];

  const cli = (...argv: string[]) => run(argv, env, dir, { progress: (line, done) => progress.push({ line, done }), pollIntervalMs: 20 });
  const json = (result: CliResult) => JSON.parse(result.exitCode === 0 ? result.stdout : result.stderr);

  beforeAll(async () => {
    fixture = await eventStoreFixture();
    store = await fixture.start({ REBUILD_BATCH_SIZE: '10', PROJECTION_POLL_MS: '50' });
    env = { TRIBUTARY_EVENT_STORE_URL: store.url, TRIBUTARY_ADMIN_KEY: await fixture.adminKey(store.dataSource) };
    dir = mkdtempSync(join(tmpdir(), 'tributary-cli-'));
    const tenant = await fixture.tenant(store.dataSource, 'acme');
    const log = store.app.get(EventLog);
    for (let i = 0; i < 120; i++) {
      const data = { trackingId: `PKG-${i % 9}`, carrier: 'dhl', status: 'in_transit', carrierStatus: `#${i}`, occurredAt: new Date(Date.UTC(2026, 10, 23, 10, i % 60)).toISOString() };
      await log.appendToStream(tenant.id, `tracking-PKG-${i % 9}`, [{ eventId: uuidv7(), type: Topics.packageUpdated.name, topicVersion: 1, data, metadata: {}, occurredAt: data.occurredAt }], 'any');
    }
  });

  afterAll(async () => {
    await fixture?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists the projections and shows one', async () => {
    const list = await cli('projections', 'list');
    expect(list).toMatchObject({ exitCode: 0, stderr: '' });
    expect(json(list).projections.map((p: { name: string }) => p.name).sort()).toEqual(['builds', 'package_status', 'products']);
    const status = await cli('projections', 'status', 'package_status');
    expect(json(status)).toMatchObject({ name: 'package_status', version: 2, liveVersion: 2, tables: ['event_store.package_status'] });
  });

  it('rebuilds with a progress bar and prints the finished status', async () => {
    const result = await cli('projections', 'rebuild', 'package_status');
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(json(result)).toMatchObject({ name: 'package_status', state: 'live', rebuild: { status: 'done', reason: 'requested', processed: 120, total: 120 } });
    expect(progress.at(-1)).toEqual({ line: `package_status [${'#'.repeat(30)}] 100%  120/120 events`, done: true });
    expect(progress.slice(0, -1).every((p) => !p.done && /^package_status \[[#-]{30}\] +\d+%/.test(p.line))).toBe(true);
  });

  it('starts a rebuild and returns at once with --detach', async () => {
    const result = await cli('projections', 'rebuild', 'builds', '--detach', '--restart');
    expect(json(result)).toMatchObject({ name: 'builds', rebuild: { reason: 'requested' } });
  });

  it('reports API errors with their code (exit 1)', async () => {
    const unknown = await cli('projections', 'rebuild', 'nope');
    expect(unknown.exitCode).toBe(1);
    expect(json(unknown)).toMatchObject({ error: { code: 'projection_not_found' }, status: 404 });
    const tenant = await fixture.tenant(store.dataSource, 'not-admin');
    const asTenant = await run(['projections', 'list'], { ...env, TRIBUTARY_ADMIN_KEY: tenant.apiKey }, dir);
    expect(json(asTenant)).toMatchObject({ error: { code: 'admin_required' }, status: 403 });
    expect(asTenant.stderr).not.toContain(tenant.apiKey);
    const down = await run(['projections', 'list'], { ...env, TRIBUTARY_EVENT_STORE_URL: `http://127.0.0.1:${await freePort()}` }, dir);
    expect(down.exitCode).toBe(1);
    expect(json(down).error.code).toBe('event_store_unreachable');
  });
});
