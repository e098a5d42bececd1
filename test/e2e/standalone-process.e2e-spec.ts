import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually, subscribe, type Subscription } from '@tributary/testing';

const run = promisify(execFile);
const root = process.cwd();

interface Started {
  child: ChildProcess;
  gateway: string;
  eventStore: string;
  changeSink: string;
  worker: string;
  graphqlWs: string;
  adminKey: string;
  output: () => string;
}

/** Starts the built platform as `npm start` does (without the build), on free ports, and reads its banner. */
async function startProcess(home: string, env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, ['dist/apps/standalone/main.js'], {
    cwd: root,
    env: { ...process.env, TRIBUTARY_HOME: home, GATEWAY_PORT: '0', EVENT_STORE_PORT: '0', CHANGE_SINK_PORT: '0', WORKER_PORT: '0', DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  await eventually(async () => output, (o) => o.includes('Ctrl-C stops') || child.exitCode !== null, { timeoutMs: 60_000 });
  const find = (pattern: RegExp) => {
    const match = pattern.exec(output);
    if (!match) throw new Error(`Banner incomplete:\n${output}`);
    return match[1];
  };
  return {
    child,
    gateway: find(/gateway\s+(http:\/\/\S+)/),
    eventStore: find(/event-store\s+(http:\/\/\S+)/),
    changeSink: find(/change-sink\s+(http:\/\/\S+)/),
    worker: find(/worker\s+(http:\/\/\S+)/),
    graphqlWs: find(/subscriptions: (ws:\/\/\S+)/),
    adminKey: find(/admin key\s+(trb_\S+)/),
    output: () => output,
  };
}

async function stopProcess(started: Started): Promise<number | null> {
  if (started.child.exitCode !== null) return started.child.exitCode;
  const exited = new Promise<number | null>((resolve) => started.child.once('exit', (code) => resolve(code)));
  started.child.kill('SIGTERM');
  return exited;
}

const cli = async (args: string[], env: Record<string, string>) => {
  const { stdout } = await run(process.execPath, ['bin/tributary.js', ...args], { cwd: root, env: { ...process.env, ...env } });
  return JSON.parse(stdout);
};

describe('npm start (the built standalone platform as a process) and the CLI', () => {
  let home: string;
  let started: Started | undefined;
  let subscription: Subscription<{ trackingId: string; status: string }> | undefined;

  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'tributary-home-'));
  });

  afterAll(async () => {
    await subscription?.close();
    if (started) await stopProcess(started);
    rmSync(home, { recursive: true, force: true });
  });

  it('serves the README demo: CLI tenant and webhook, a signed delivery, a live push', async () => {
    started = await startProcess(home);
    expect(readFileSync(join(home, 'admin-key'), 'utf8').trim()).toBe(started.adminKey);
    expect(statSync(join(home, 'admin-key')).mode & 0o777).toBe(0o600);

    const env = { TRIBUTARY_URL: started.gateway, TRIBUTARY_ADMIN_KEY: started.adminKey };
    const tenant = await cli(['tenant', 'create', '--name', 'acme'], env);
    expect(tenant).toMatchObject({ id: expect.any(String), name: 'acme', enabled: true, apiKey: expect.stringMatching(/^trb_/) });
    const webhook = await cli(['webhook', 'create', '--tenant', tenant.id, '--topic', 'tracking.carrier-update.received'], env);
    expect(webhook).toMatchObject({ id: expect.any(String), url: `${started.gateway}/webhooks/${webhook.id}`, secret: expect.stringMatching(/^whsec_/) });

    subscription = subscribe(started.graphqlWs, tenant.apiKey, 'subscription { packageUpdated { trackingId status } }');
    await subscription.connected;
    const data = JSON.stringify({ trackingId: 'PKG-1', carrier: 'DHL', status: 'Delivered', occurredAt: new Date().toISOString() });
    const sent = await cli(['webhook', 'send', '--url', webhook.url, '--secret', webhook.secret, '--data', data], env);
    expect(sent).toMatchObject({ status: 202 });
    await eventually(async () => subscription!.received, (r) => r.length === 1, { timeoutMs: 15_000 });
    expect(subscription.received).toEqual([{ trackingId: 'PKG-1', status: 'delivered' }]);
  });

  it('stops on SIGTERM and, started again, keeps its data and its admin key', async () => {
    await subscription?.close();
    subscription = undefined;
    expect(await stopProcess(started!)).toBe(0);
    const first = started!;
    started = await startProcess(home);
    expect(started.adminKey).toBe(first.adminKey);
    expect(started.output()).not.toContain('(new;');
    const tenant = await cli(['tenant', 'create', '--name', 'again'], { TRIBUTARY_URL: started.gateway, TRIBUTARY_ADMIN_KEY: started.adminKey });
    expect(tenant.name).toBe('again');
  });
});

describe('npm start: the log lines of the four apps (and the api-root) in one process', () => {
  let home: string;
  let started: Started | undefined;

  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'tributary-home-'));
  });

  afterAll(async () => {
    if (started) await stopProcess(started);
    rmSync(home, { recursive: true, force: true });
  });

  it('labels each line with the app it comes from', async () => {
    started = await startProcess(home, { LOG_LEVEL: 'info' });
    const apps = { gateway: started.gateway, 'event-store': started.eventStore, 'change-sink': started.changeSink, 'integration-worker': started.worker };
    for (const [app, url] of Object.entries(apps)) expect((await fetch(`${url}/log-label-${app}`)).status).toBe(404);

    const records = () =>
      started!
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { app?: string; context?: string; msg?: string; req?: { url?: string } });
    await eventually(async () => records().filter((r) => r.msg === 'request completed'), (r) => r.length >= 4, { timeoutMs: 10_000 });
    const lines = records();
    // The composed API (api-root) logs too, under its own name: its start-up line, no request lines of its own.
    expect(new Set(lines.map((r) => r.app))).toEqual(new Set([...Object.keys(apps), 'api-root']));
    expect(lines.filter((r) => r.context === 'NestApplication' && r.app === 'api-root')).toHaveLength(1);
    for (const app of Object.keys(apps)) {
      // The request's own line, and Nest's start-up line (logged through Nest's process-wide static logger).
      expect(lines.filter((r) => r.req?.url === `/log-label-${app}`).map((r) => r.app)).toEqual([app]);
      expect(lines.filter((r) => r.context === 'NestApplication' && r.app === app)).toHaveLength(1);
    }
    expect(lines.filter((r) => r.context === 'NestMicroservice').map((r) => r.app).sort()).toEqual(['event-store', 'integration-worker']);
  });
});
