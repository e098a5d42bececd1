import { uuidv7 } from '@tributary/messaging';
import { forgottenFilterView, readJson, tenantTables } from '@tributary/testing';
import { Topics, type TopicDefinition } from '@tributary/topics';
import {
  eventStoreFixture,
  projectedAll,
  publishAs,
  type EventStoreFixture,
  type RunningEventStore,
  type TopicMessage,
} from '../../../../../test/support/event-store-fixture.js';

// probo-db's own test fixtures: four builds of two projects.
const P1 = '651f7cc3-af8c-4db1-995e-fac844f467dc';
const P2 = '29c1071c-9b60-4447-ae92-b1ef1b067dbf';
const B1 = '51246265-be28-4af3-8148-22ebdd46eab2';
const B2 = '207f5c8a-9902-40c5-b10a-d9640750b967';
const B3 = '1dfd59be-706d-43fb-a8af-3e81f81db21e';
const B4 = '7d4d56cc-2630-456a-bf66-9b27199408d4';
const UNKNOWN = '0190f3b4-0000-7000-8000-00000000dead';

type Message = TopicMessage;

const msg = (topic: TopicDefinition, data: object): Message => ({ topic, data, id: uuidv7() });
const created = (buildId: string, projectId: string, createdAt: string, extra: object = {}) =>
  msg(Topics.buildCreated, { buildId, projectId, createdAt, status: 'pending', branchName: 'features/test', ...extra });
const updated = (buildId: string, projectId: string, updatedAt: string, status: string) =>
  msg(Topics.buildUpdated, { buildId, projectId, updatedAt, status, submittedState: 'pending', pinned: false });
const disk = (buildId: string, projectId: string, measuredAt: string, realBytes: number, virtualBytes = realBytes * 100) =>
  msg(Topics.buildDiskUsageUpdated, { buildId, projectId, measuredAt, realBytes, virtualBytes });
const reaped = (buildId: string, projectId: string, reapedAt: string) =>
  msg(Topics.buildReaped, { buildId, projectId, reapedAt, reason: 2, reasonText: 'Old build' });

describe('the builds plugin (probo-db parity)', () => {
  let fixture: EventStoreFixture;
  let store: RunningEventStore;
  let acme: { id: string; apiKey: string };
  let globex: { id: string; apiKey: string };

  const get = async (key: string, path: string) => {
    const response = await fetch(`${store.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: response.status, body: await readJson(response) };
  };
  const graphql = async (key: string, query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(`${store.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return readJson(response);
  };
  const publish = (tenantId: string, messages: readonly Message[]) => publishAs(store, tenantId, messages);
  const projected = () => projectedAll(store, 'builds', 'build.');
  const table = () => store.dataSource.query(`SELECT * FROM event_store.builds ORDER BY tenant_id, build_id`);

  beforeAll(async () => {
    fixture = await eventStoreFixture();
    store = await fixture.start({ PROJECTION_POLL_MS: '50', CONSUMER_POLL_MS: '50' });
    acme = await fixture.tenant(store.dataSource, 'acme');
    globex = await fixture.tenant(store.dataSource, 'globex');
    await publish(acme.id, [
      created(B1, P1, '2017-06-12T13:44:07.145Z', { commitRef: 'aaaaaaab', pullRequestNumber: 7, pullRequestName: 'Test 7', config: { image: 'lamp' } }),
      disk(B1, P1, '2017-06-12T13:45:35.391Z', 13462483, 1512017490),
      created(B2, P1, '2017-06-30T13:44:07.145Z'),
      disk(B2, P1, '2017-06-30T13:45:35.391Z', 123456, 12345678),
      created(B3, P2, '2017-06-20T13:44:07.145Z'),
      disk(B3, P2, '2017-06-20T13:45:35.391Z', 234567, 23456789),
      created(B4, P2, '2017-06-21T13:44:07.145Z'),
      disk(B4, P2, '2017-06-21T13:45:35.391Z', 234567, 23456789),
      reaped(B4, P2, '2017-06-22T12:31:59.287Z'),
    ]);
    await publish(globex.id, [created(UNKNOWN, P1, '2017-06-12T13:44:07.145Z'), disk(UNKNOWN, P1, '2017-06-12T13:45:35.391Z', 999)]);
    await projected();
  });

  afterAll(() => fixture?.drop());

  it('lists builds and projects, and answers a build with probo-db’s fields', async () => {
    expect(await get(acme.apiKey, '/build')).toEqual({ status: 200, body: [B2, B1, B3, B4].sort() });
    expect(await get(acme.apiKey, '/project')).toEqual({ status: 200, body: [P1, P2].sort() });
    expect((await get(acme.apiKey, `/build?project=${P2}`)).body).toEqual([B3, B4].sort());
    expect(await get(acme.apiKey, `/build/${B1}`)).toEqual({
      status: 200,
      body: {
        buildId: B1,
        projectId: P1,
        statusBuild: 'pending',
        statusSubmitted: null,
        pinned: false,
        timeStarted: '2017-06-12T13:44:07.145Z',
        timeUpdated: '2017-06-12T13:44:07.145Z',
        requestId: null,
        branchName: 'features/test',
        branchUrl: null,
        commitRef: 'aaaaaaab',
        commitUrl: null,
        prNumber: 7,
        prName: 'Test 7',
        prUrl: null,
        prDescription: null,
        config: { image: 'lamp' },
        bytesReal: 13462483,
        bytesVirtual: 1512017490,
        diskMeasuredAt: '2017-06-12T13:45:35.391Z',
        reaped: false,
        reapedDate: null,
        reapedReason: null,
        reapedReasonText: null,
      },
    });
  });

  it('reports disk usage per build, and per project without its reaped builds', async () => {
    expect(await get(acme.apiKey, `/build/${B1}/disk-usage`)).toEqual({
      status: 200,
      body: { buildId: B1, bytesReal: 13462483, bytesVirtual: 1512017490, measuredAt: '2017-06-12T13:45:35.391Z' },
    });
    expect((await get(acme.apiKey, `/project/${P1}/disk-usage`)).body).toEqual({ projectId: P1, bytesReal: 13462483 + 123456, bytesVirtual: 1512017490 + 12345678, activeBuilds: 2 });
    // B4 is reaped: only B3 counts.
    expect((await get(acme.apiKey, `/project/${P2}/disk-usage`)).body).toEqual({ projectId: P2, bytesReal: 234567, bytesVirtual: 23456789, activeBuilds: 1 });
    expect((await get(acme.apiKey, `/build/${B4}`)).body).toMatchObject({ reaped: true, reapedDate: '2017-06-22T12:31:59.287Z', reapedReason: 2, reapedReasonText: 'Old build' });
  });

  it.each([
    ['/build/123', 400, 'build_id_invalid'],
    ['/build/not-a-uuid/disk-usage', 400, 'build_id_invalid'],
    ['/project/xyz/disk-usage', 400, 'project_id_invalid'],
    ['/build?project=xyz', 400, 'validation_failed'],
    [`/build/${UNKNOWN}`, 404, 'build_not_found'],
    [`/build/${UNKNOWN}/disk-usage`, 404, 'build_not_found'],
    [`/project/${UNKNOWN}/disk-usage`, 404, 'project_not_found'],
  ])('answers GET %s with %i %s', async (path, status, code) => {
    const answer = await get(acme.apiKey, path);
    expect({ status: answer.status, body: answer.body }).toEqual({
      status,
      body: { error: expect.objectContaining({ code, message: expect.any(String) }), traceId: expect.any(String) },
    });
  });

  it('never lets an older event overwrite a newer one, whatever order they arrive in', async () => {
    const build = uuidv7();
    await publish(acme.id, [
      updated(build, P1, '2026-01-01T10:05:00Z', 'success'),
      disk(build, P1, '2026-01-01T10:06:00Z', 2000),
      reaped(build, P1, '2026-01-02T00:00:00Z'),
      // Older than what arrived first:
      updated(build, P1, '2026-01-01T10:02:00Z', 'running'),
      disk(build, P1, '2026-01-01T10:03:00Z', 1000),
      created(build, P1, '2026-01-01T10:00:00Z', { status: 'pending', commitRef: 'late' }),
    ]);
    await projected();
    expect((await get(acme.apiKey, `/build/${build}`)).body).toMatchObject({
      statusBuild: 'success',
      timeUpdated: '2026-01-01T10:05:00.000Z',
      timeStarted: '2026-01-01T10:00:00.000Z',
      commitRef: 'late',
      bytesReal: 2000,
      diskMeasuredAt: '2026-01-01T10:06:00.000Z',
      reaped: true,
    });
  });

  it('gives the same tables however many times the same events are delivered', async () => {
    const build = uuidv7();
    const events = [created(build, P2, '2026-02-01T10:00:00Z'), updated(build, P2, '2026-02-01T10:01:00Z', 'running'), disk(build, P2, '2026-02-01T10:02:00Z', 77)];
    await publish(acme.id, events);
    await projected();
    const once = await table();
    for (let i = 0; i < 3; i++) await publish(acme.id, events);
    await projected();
    expect(await table()).toEqual(once);
    const [{ n }] = await store.dataSource.query(`SELECT count(*)::int AS n FROM event_store.events WHERE stream_id = $1`, [`build-${build}`]);
    expect(n).toBe(3);
  });

  it('keeps one tenant’s builds from another, on REST and GraphQL', async () => {
    expect((await get(globex.apiKey, '/build')).body).toEqual([UNKNOWN]);
    expect((await get(globex.apiKey, `/build/${B1}`)).status).toBe(404);
    expect((await get(globex.apiKey, `/project/${P2}/disk-usage`)).status).toBe(404);
    expect((await get(globex.apiKey, `/project/${P1}/disk-usage`)).body).toMatchObject({ bytesReal: 999, activeBuilds: 1 });
    expect((await get(acme.apiKey, `/build/${UNKNOWN}`)).status).toBe(404);
    const query = `query ($id: ID!, $project: ID!) { build(id: $id) { buildId } builds { buildId } projects projectDiskUsage(id: $project) { bytesReal activeBuilds } }`;
    const seen = await graphql(globex.apiKey, query, { id: B1, project: P2 });
    expect(seen).toEqual({ data: { build: null, builds: [{ buildId: UNKNOWN }], projects: [P1], projectDiskUsage: null } });
    const own = await graphql(acme.apiKey, query, { id: B1, project: P2 });
    expect(own.data.build).toEqual({ buildId: B1 });
    expect(own.data.projectDiskUsage).toEqual({ bytesReal: 234567 + 77, activeBuilds: 2 });
    expect((await graphql(acme.apiKey, `{ build(id: "123") { buildId } }`)).errors[0].extensions.code).toBe('build_id_invalid');
  });

  it('row-level security: a query that forgets its tenant filter sees only its tenant’s builds (and rows of every event store tenant table)', async () => {
    const [{ tenants }] = await store.dataSource.query(`SELECT count(DISTINCT tenant_id)::int AS tenants FROM event_store.builds`);
    expect(tenants).toBe(2);
    const tables = await tenantTables(store.dataSource, ['event_store']);
    expect(tables.filter((t) => t.reachable && !t.rowLevelSecurity)).toEqual([]);
    const view = await forgottenFilterView(store.dataSource, ['event_store'], [acme.id, globex.id]);
    expect(view['event_store.builds']).toEqual({ [acme.id]: [acme.id], [globex.id]: [globex.id] });
    for (const [table, seen] of Object.entries(view)) {
      for (const [tenant, tenants] of Object.entries(seen)) {
        expect([table, tenant, tenants]).toEqual([table, tenant, tenants === 'denied' || tenants.length === 0 ? tenants : [tenant]]);
      }
    }
  });
});
