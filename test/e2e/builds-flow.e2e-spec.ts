import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, readJson, sendStandardWebhook } from '@tributary/testing';
import { run } from '../../apps/cli/src/main.js';
import { startPlatform, type RunningPlatform } from '../../apps/standalone/src/platform.js';
import { loadStandaloneConfig } from '../../apps/standalone/src/standalone.config.js';

const BUILD = '51246265-be28-4af3-8148-22ebdd46eab2';
const PROJECT = '651f7cc3-af8c-4db1-995e-fac844f467dc';

/**
 * The platform embedded (`npm start`'s mode): build events sent as signed webhooks on their topics
 * reach the builds plugin's projection and its probo-db routes on the event store, which a tenant
 * reads with its API key; the operator rebuilds the projection with the CLI.
 */
describe('build events → builds plugin → probo-db routes (embedded platform)', () => {
  let home: string;
  let platform: RunningPlatform;
  let tenant: { id: string; apiKey: string };
  const webhooks: Record<string, { url: string; secret: string }> = {};

  const asTenant = async (path: string) => {
    const response = await fetch(`${platform.urls.eventStore}${path}`, { headers: { authorization: `Bearer ${tenant.apiKey}` } });
    return { status: response.status, body: await readJson(response) };
  };

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'tributary-builds-'));
    platform = await startPlatform(
      loadStandaloneConfig({ TRIBUTARY_HOME: home, GATEWAY_PORT: '0', EVENT_STORE_PORT: '0', CHANGE_SINK_PORT: '0', WORKER_PORT: '0', LOG_LEVEL: 'silent' }),
    );
    const admin = (path: string, body: unknown) =>
      fetch(`${platform.urls.gateway}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${platform.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(readJson);
    tenant = await admin('/v1/tenants', { name: 'probo' });
    for (const topic of ['build.created', 'build.disk-usage.updated', 'build.reaped']) {
      webhooks[topic] = await admin(`/v1/tenants/${tenant.id}/webhooks`, { topic });
    }
  }, 60_000);

  afterAll(async () => {
    await platform?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  const send = async (topic: string, payload: object) => {
    const response = await sendStandardWebhook(webhooks[topic].url, webhooks[topic].secret, payload);
    expect(response.status).toBe(202);
  };

  it('serves a build and its project’s disk usage from webhooks, and rebuilds the same table with the CLI', async () => {
    await send('build.created', { buildId: BUILD, projectId: PROJECT, createdAt: '2017-06-12T13:44:07.145Z', branchName: 'features/test' });
    await send('build.disk-usage.updated', { buildId: BUILD, projectId: PROJECT, measuredAt: '2017-06-12T13:45:35.391Z', realBytes: 13462483, virtualBytes: 1512017490 });
    await eventually(() => asTenant(`/project/${PROJECT}/disk-usage`), (r) => r.body.bytesReal === 13462483, { timeoutMs: 30_000 });
    expect((await asTenant(`/build/${BUILD}`)).body).toMatchObject({ buildId: BUILD, projectId: PROJECT, branchName: 'features/test', statusBuild: 'pending', reaped: false });
    expect((await asTenant('/build/nope')).status).toBe(400);

    await send('build.reaped', { buildId: BUILD, projectId: PROJECT, reapedAt: '2017-06-20T12:31:59.287Z' });
    await eventually(() => asTenant(`/project/${PROJECT}/disk-usage`), (r) => r.body.activeBuilds === 0, { timeoutMs: 30_000 });
    expect((await asTenant(`/project/${PROJECT}/disk-usage`)).body).toEqual({ projectId: PROJECT, bytesReal: 0, bytesVirtual: 0, activeBuilds: 0 });
    const before = (await asTenant(`/build/${BUILD}`)).body;

    const rebuilt = await run(['projections', 'rebuild', 'builds'], { TRIBUTARY_EVENT_STORE_URL: platform.urls.eventStore, TRIBUTARY_ADMIN_KEY: platform.adminKey }, home, {
      pollIntervalMs: 50,
    });
    expect(rebuilt.exitCode).toBe(0);
    expect(JSON.parse(rebuilt.stdout)).toMatchObject({ name: 'builds', state: 'live', rebuild: { status: 'done', processed: 3, total: 3 } });
    expect((await asTenant(`/build/${BUILD}`)).body).toEqual(before);

    // The events themselves, in the tenant's log, with where they came from.
    const log = await asTenant(`/v1/streams/build-${BUILD}/events`);
    expect(log.body.events.map((e: { type: string; metadata: { source: string } }) => [e.type, e.metadata.source])).toEqual([
      ['build.created', 'gateway'],
      ['build.disk-usage.updated', 'gateway'],
      ['build.reaped', 'gateway'],
    ]);
  });
});
