import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, type CliResult } from '../../apps/cli/src/main.js';
import { startWorker, type RunningWorker } from '../support/worker-fixture.js';

const STATE_CHANGE = { trackingId: 'CLI-SCHED-1', carrier: 'dhl', occurredAt: '2026-11-23T10:00:00.000Z', to: 'in_transit', version: 1, carrierStatus: 'In Transit' };

/** `tributary deployments`, `schedules` and `tracking` (the worker's part) through the real CLI (its `run`) against a running worker. */
describe('tributary deployments, schedules and tracking against a running worker', () => {
  let worker: RunningWorker;
  let dir: string;
  let env: Record<string, string>;
  let tenantId: string;
  let otherKey: string;
  let deployment: string;
  let action: string;

  const json = (result: CliResult) => JSON.parse(result.exitCode === 0 ? result.stdout : result.stderr);
  const cli = (argv: string[], extraEnv: Record<string, string> = {}) => run(argv, { ...env, ...extraEnv }, dir);
  const ok = async (argv: string[], extraEnv: Record<string, string> = {}) => {
    const result = await cli(argv, extraEnv);
    expect({ argv, exitCode: result.exitCode, stderr: result.stderr }).toEqual({ argv, exitCode: 0, stderr: '' });
    return json(result);
  };

  beforeAll(async () => {
    worker = await startWorker();
    const tenant = await worker.tenant('cli-worker');
    tenantId = tenant.id;
    otherKey = (await worker.tenant('cli-worker-other')).apiKey;
    dir = mkdtempSync(join(tmpdir(), 'tributary-cli-worker-'));
    env = { TRIBUTARY_WORKER_URL: worker.url, TRIBUTARY_API_KEY: tenant.apiKey };
  });

  afterAll(async () => {
    await worker?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('deploys an integration, shows, lists and updates it; another tenant sees none of it', async () => {
    const integrations = await ok(['deployments', 'integrations']);
    expect(integrations.map((i: { name: string }) => i.name)).toEqual(expect.arrayContaining(['company-registry', 'webhook-relay']));
    const created = await ok([
      'deployments', 'create', '--integration', 'webhook-relay', '--name', 'relay',
      '--config', JSON.stringify({ url: 'http://127.0.0.1:9/relay' }), '--credentials', '{"token":"s3cret-token"}', '--allow-private-network', 'true',
    ]);
    expect(created).toMatchObject({ integration: 'webhook-relay', name: 'relay', hasCredentials: true, allowPrivateNetwork: true, enabled: true });
    expect(JSON.stringify(created)).not.toContain('s3cret-token');
    deployment = created.id;
    expect(await ok(['deployments', 'show', '--deployment', deployment])).toMatchObject({ id: deployment, config: { url: 'http://127.0.0.1:9/relay' } });
    expect((await ok(['deployments', 'list'])).map((d: { id: string }) => d.id)).toEqual([deployment]);
    expect(await ok(['deployments', 'update', '--deployment', deployment, '--enabled', 'false'])).toMatchObject({ id: deployment, enabled: false, name: 'relay' });
    expect(await ok(['deployments', 'list'], { TRIBUTARY_API_KEY: otherKey })).toEqual([]);
    const foreign = await cli(['deployments', 'show', '--deployment', deployment], { TRIBUTARY_API_KEY: otherKey });
    expect([foreign.exitCode, json(foreign).error.code, json(foreign).status]).toEqual([1, 'deployment_not_found', 404]);
    const table = await cli(['deployments', 'list', '-o', 'table']);
    expect(table.stdout.split('\n')[0].split(/\s+/)).toEqual(['ID', 'INTEGRATION', 'NAME', 'ENABLED', 'HASCREDENTIALS', 'ALLOWPRIVATENETWORK', 'CREATEDAT']);
  });

  it('schedules an action, lists, pauses, resumes and changes the schedule', async () => {
    await ok(['deployments', 'update', '--deployment', deployment, '--enabled', 'true']);
    const added = await worker.call(env.TRIBUTARY_API_KEY, 'POST', `/v1/deployments/${deployment}/actions`, { method: 'relay-state-change', onTopic: false });
    expect(added.status).toBe(201);
    action = (added.body as { id: string }).id;
    const schedule = await ok(['schedules', 'create', '--action', action, '--cron', '0 3 1 1 *', '--time-zone', 'Europe/Berlin', '--timeout-ms', '60000', '--input', JSON.stringify(STATE_CHANGE)]);
    expect(schedule).toMatchObject({ actionId: action, cron: '0 3 1 1 *', timeZone: 'Europe/Berlin', timeoutMs: 60000, enabled: true });
    expect((await ok(['schedules', 'list'])).map((s: { id: string }) => s.id)).toEqual([schedule.id]);
    expect(await ok(['schedules', 'pause', '--schedule', schedule.id])).toMatchObject({ id: schedule.id, enabled: false });
    expect(await ok(['schedules', 'resume', '--schedule', schedule.id])).toMatchObject({ id: schedule.id, enabled: true });
    expect(await ok(['schedules', 'update', '--schedule', schedule.id, '--cron', '0 4 1 1 *'])).toMatchObject({ cron: '0 4 1 1 *', timeZone: 'Europe/Berlin' });
    expect(await ok(['schedules', 'list'], { TRIBUTARY_API_KEY: otherKey })).toEqual([]);
    const foreign = await cli(['schedules', 'pause', '--schedule', schedule.id], { TRIBUTARY_API_KEY: otherKey });
    expect([foreign.exitCode, json(foreign).error.code]).toEqual([1, 'schedule_not_found']);
    const bad = await cli(['schedules', 'update', '--schedule', schedule.id, '--cron', 'every day']);
    expect([bad.exitCode, json(bad).error.code]).toEqual([1, 'schedule_invalid']);
  });

  it('tracks a parcel for a customer, sets a template, opts an address out, and reads the mailbox', async () => {
    const recipient = await ok(['tracking', 'recipient', '--tracking-id', 'CLI-TRACK-1', '--email', 'ada@example.com', '--language', 'de', '--consent', 'true']);
    expect(recipient).toMatchObject({ trackingId: 'CLI-TRACK-1', email: 'ada@example.com', language: 'de', consent: true });
    expect(await ok(['tracking', 'template', '--state', 'delivered', '--language', 'en', '--subject', 'Here', '--text', 'Your parcel {{trackingId}} arrived'])).toMatchObject({ subject: 'Here' });
    // Opting out twice leaves one opt-out, the caller's tenant's.
    await ok(['tracking', 'opt-out', '--email', 'nobody@example.com']);
    await ok(['tracking', 'opt-out', '--email', 'nobody@example.com']);
    const optOuts = await worker.dataSource.query(`SELECT tenant_id FROM worker.notification_opt_outs WHERE email = $1`, ['nobody@example.com']);
    expect(optOuts).toEqual([{ tenant_id: tenantId }]);
    expect(await ok(['tracking', 'mailbox'])).toEqual({ items: [] });
    const unknown = await cli(['tracking', 'show', '--tracking-id', 'CLI-TRACK-NOWHERE']);
    expect([unknown.exitCode, json(unknown).status]).toEqual([1, 404]);
  });

  it.each([
    ['a --config that is no JSON object', ['deployments', 'create', '--integration', 'x', '--name', 'y', '--config', '[1]'], 'option_invalid'],
    ['a deployment without --name', ['deployments', 'create', '--integration', 'company-registry'], 'option_missing'],
    ['--enabled that is no boolean', ['deployments', 'update', '--deployment', 'x', '--enabled', 'yes'], 'option_invalid'],
    ['a schedule without --cron', ['schedules', 'create', '--action', 'x'], 'option_missing'],
    ['a --timeout-ms that is no number', ['schedules', 'update', '--schedule', 'x', '--timeout-ms', 'soon'], 'option_invalid'],
    ['a recipient without --consent', ['tracking', 'recipient', '--tracking-id', 'X', '--email', 'a@example.com', '--language', 'en'], 'option_missing'],
    ['an unknown option', ['schedules', 'list', '--tenant', 'x'], 'option_invalid'],
  ])('refuses %s with exit 2 (a usage error)', async (_case, argv, code) => {
    const result = await cli(argv);
    expect([result.exitCode, result.stdout, json(result).error.code]).toEqual([2, '', code]);
  });

  it('prints each option of the new commands in their usage', async () => {
    for (const group of ['deployments', 'schedules', 'tracking']) {
      const usage = (await cli([group, 'help'])).stdout;
      const lines = usage.split('\n').filter((l) => l.startsWith(`  tributary ${group} `)).join('\n');
      const options = [...lines.matchAll(/--([a-z-]+)/g)].map((m) => m[1]);
      expect(options.length).toBeGreaterThan(2);
      for (const option of new Set(options)) expect({ group, option, described: new RegExp(`^ {8}--${option} +\\S`, 'm').test(usage) }).toEqual({ group, option, described: true });
    }
  });
});
