import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { freePort } from '@tributary/database';
import { createTestDatabase, eventually, sleep, testSecrets } from '@tributary/testing';
import { generateApiKey } from '@tributary/tenancy';
import { atMost, type BenchSettings, type MeasureResult } from './measure.js';

/** The apps in the order they can start against one database (the change-sink captures the event store's table). */
const APPS = ['gateway', 'event-store', 'integration-worker', 'change-sink'] as const;
/** How long the apps sit idle before their memory is read (GC and caches settle). */
const IDLE_MS = Number(process.env.BENCH_IDLE_MS) || 20_000;
const TARGET_MB = 150;

interface RunningApp {
  readonly name: (typeof APPS)[number];
  readonly child: ChildProcess;
}

/**
 * Idle footprint per app, as deployed: each app its own process (the built `dist/apps/<app>/main.js`)
 * on one PostgreSQL database with the postgres transport and LISTEN wake-ups, started, ready, then
 * left alone for IDLE_MS. The value is the largest resident set of the four (the target is per app);
 * the details give each app's RSS and the CPU it used while idle.
 */
export async function idleRss(_settings: BenchSettings): Promise<MeasureResult> {
  const db = await createTestDatabase();
  const running: RunningApp[] = [];
  try {
    const env = {
      ...testSecrets(),
      DATABASE_URL: db.url,
      TRIBUTARY_NOTIFY_URL: db.url,
      TRIBUTARY_ADMIN_KEY: generateApiKey(),
      CAPTURE_TABLES: 'event_store.package_status',
      LOG_LEVEL: 'error',
    };
    for (const name of APPS) running.push(await startApp(name, env));
    const before = running.map((app) => cpuTicks(app.child.pid!));
    await sleep(IDLE_MS);
    const perApp = running.map((app, i) => ({
      app: app.name,
      rssMb: Math.round(rssKb(app.child.pid!) / 1024),
      idleCpuPercent: Math.round(((cpuTicks(app.child.pid!) - before[i]) / TICKS_PER_SECOND / (IDLE_MS / 1000)) * 1000) / 10,
    }));
    return atMost('idle RSS per app (largest of four)', 'MB', Math.max(...perApp.map((a) => a.rssMb)), TARGET_MB, {
      idleSeconds: IDLE_MS / 1000,
      apps: perApp,
    });
  } finally {
    await Promise.all(running.map(({ child }) => stop(child)));
    await db.drop();
  }
}

async function startApp(name: RunningApp['name'], env: Record<string, string>): Promise<RunningApp> {
  const port = await freePort();
  const child = spawn(process.execPath, [`dist/apps/${name}/main.js`], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const state = await eventually(
    async () =>
      child.exitCode !== null
        ? 'exited'
        : await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => (r.ok ? 'ready' : 'starting'), () => 'starting'),
    (s) => s !== 'starting',
    { timeoutMs: 60_000, intervalMs: 250 },
  );
  if (state === 'exited') throw new Error(`${name} exited with ${child.exitCode} before it was ready`);
  return { name, child };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Linux's USER_HZ: the unit of the CPU times in /proc/<pid>/stat. */
const TICKS_PER_SECOND = 100;

function rssKb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line?.match(/\d+/)?.[0] ?? NaN);
}

function cpuTicks(pid: number): number {
  // Fields after the command (which may hold spaces) start at the last ')': utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}
