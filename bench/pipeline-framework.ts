import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@tributary/database';
import { generateApiKey } from '@tributary/tenancy';
import { eventually, testSecrets } from '@tributary/testing';
import type { PipelineTarget } from './pipeline-load.js';
import type { StatementInstrument } from './pipeline-statements.js';

/** The framework as it runs: a process per app (or the standalone process), its URLs, its pids. */
export interface RunningSystem {
  readonly target: PipelineTarget;
  /** Every process of the system, by role (for CPU accounting). */
  readonly pids: Readonly<Record<string, number>>;
  /** Throws if a process of the system has exited. */
  check(): void;
  /** What is still queued inside the system (not visible as pushes): see `FrameworkTail`. */
  tail?(): Promise<FrameworkTail>;
  stop(): Promise<void>;
}

export interface FrameworkTail {
  /** The largest consumer lag, in messages, over every group and topic (each topic carries about one message per webhook). */
  readonly maxLag: number;
  readonly lagByGroup: Readonly<Record<string, number>>;
  readonly deadLetters: number;
}

const TOPIC = 'tracking.carrier-update.received';
const READY_TIMEOUT_MS = 90_000;
/** A management call or a metrics scrape that takes longer fails the measure. */
const HTTP_TIMEOUT_MS = 30_000;
/** Recipients registered at once (each a PUT to the worker's API). */
const REGISTRATION_CONCURRENCY = 16;

const entry = (app: string) => new URL(`../apps/${app}/main.js`, import.meta.url).pathname;

/**
 * Embedded mode as `npm start` runs it: the standalone process (the four apps, PGlite in-process, no
 * DATABASE_URL) with its home in a temporary directory.
 */
export async function startEmbeddedFramework(parcels: number, instrument?: StatementInstrument): Promise<RunningSystem> {
  const home = mkdtempSync(join(tmpdir(), 'tributary-pipeline-'));
  const adminKey = generateApiKey();
  mkdirSync(home, { recursive: true, mode: 0o700 });
  writeFileSync(join(home, 'admin-key'), `${adminKey}\n`, { mode: 0o600 });
  const ports = { gateway: await freePort(), eventStore: await freePort(), changeSink: await freePort(), worker: await freePort() };
  // No DATABASE_URL: the embedded database.
  const { DATABASE_URL: _server, TRIBUTARY_NOTIFY_URL: _notify, ...inherited } = process.env;
  const child = spawn(process.execPath, [...(instrument?.nodeArgs ?? []), entry('standalone')], {
    env: {
      ...inherited,
      ...instrument?.envFor('standalone'),
      TRIBUTARY_HOME: home,
      GATEWAY_PORT: String(ports.gateway),
      EVENT_STORE_PORT: String(ports.eventStore),
      CHANGE_SINK_PORT: String(ports.changeSink),
      WORKER_PORT: String(ports.worker),
      LOG_LEVEL: 'error',
    },
    // Its banner goes nowhere: the bench's stdout is for results.
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = (port: number) => `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopProcess(child);
    rmSync(home, { recursive: true, force: true });
  };
  try {
    for (const port of Object.values(ports)) await waitReady('standalone', child, url(port));
    const urls = { gateway: url(ports.gateway), worker: url(ports.worker), eventStore: url(ports.eventStore), graphqlWs: `ws://127.0.0.1:${ports.changeSink}/graphql` };
    return {
      target: await provision(urls, adminKey, parcels),
      pids: { standalone: child.pid! },
      check: () => checkRunning([{ name: 'standalone', child }]),
      tail: () => readTail([urls.worker]),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The apps in the order they can start against one database (the change-sink captures the event store's table). */
const APPS = ['gateway', 'event-store', 'integration-worker', 'change-sink'] as const;

/**
 * Distributed mode: each app its own process on the PostgreSQL database `databaseUrl`, with LISTEN
 * wake-ups and the given transport (`extraEnv` carries the Kafka settings).
 */
export async function startDistributedFramework(
  databaseUrl: string,
  parcels: number,
  extraEnv: Record<string, string> = {},
  instrument?: StatementInstrument,
): Promise<RunningSystem> {
  const adminKey = generateApiKey();
  const env = {
    ...testSecrets(),
    DATABASE_URL: databaseUrl,
    TRIBUTARY_NOTIFY_URL: databaseUrl,
    TRIBUTARY_ADMIN_KEY: adminKey,
    LOG_LEVEL: 'error',
    ...extraEnv,
  };
  const running: { name: (typeof APPS)[number]; child: ChildProcess; url: string }[] = [];
  const stop = async () => {
    // Consumers first, ingress last, as the standalone process stops them.
    for (const app of [...running].reverse()) await stopProcess(app.child);
  };
  try {
    for (const name of APPS) {
      const port = await freePort();
      const child = spawn(process.execPath, [...(instrument?.nodeArgs ?? []), entry(name)], {
        env: { ...process.env, ...env, ...instrument?.envFor(name), PORT: String(port) },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      running.push({ name, child, url: `http://127.0.0.1:${port}` });
      await waitReady(name, child, `http://127.0.0.1:${port}`);
    }
    const urlOf = (name: (typeof APPS)[number]) => running.find((a) => a.name === name)!.url;
    const urls = { gateway: urlOf('gateway'), worker: urlOf('integration-worker'), eventStore: urlOf('event-store'), graphqlWs: `${urlOf('change-sink').replace(/^http/, 'ws')}/graphql` };
    return {
      target: await provision(urls, adminKey, parcels),
      pids: Object.fromEntries(running.map((a) => [a.name, a.child.pid!])),
      check: () => checkRunning(running),
      // Kafka groups' lag is known only to the app consuming them: ask both consumers.
      tail: () => readTail([urls.worker, urls.eventStore]),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitReady(name: string, child: ChildProcess, url: string): Promise<void> {
  const state = await eventually(
    async () =>
      child.exitCode !== null || child.signalCode !== null
        ? 'exited'
        : await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(5_000) }).then((r) => (r.ok ? 'ready' : 'starting'), () => 'starting'),
    (s) => s !== 'starting',
    { timeoutMs: READY_TIMEOUT_MS, intervalMs: 250 },
  ).catch(() => 'timeout');
  if (state === 'exited') throw new Error(`${name} exited with ${child.exitCode ?? child.signalCode} before it was ready`);
  if (state === 'timeout') throw new Error(`${name} was not ready at ${url} within ${READY_TIMEOUT_MS} ms`);
}

function checkRunning(processes: readonly { name: string; child: ChildProcess }[]): void {
  const gone = processes.find(({ child }) => child.exitCode !== null || child.signalCode !== null);
  if (gone) throw new Error(`${gone.name} exited (${gone.child.exitCode ?? gone.child.signalCode})`);
}

/** SIGTERM (the apps drain), SIGKILL if that takes too long. */
export function stopProcess(child: ChildProcess, graceMs = 30_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * A tenant (rate limit out of the way: the measure is about capacity, not the limiter's refusals), a
 * carrier-update webhook of it (likewise), and a consenting recipient for each parcel, so every
 * transition is mailed (to the local mailbox: no SMTP).
 */
async function provision(
  urls: { gateway: string; worker: string; graphqlWs: string },
  adminKey: string,
  parcels: number,
): Promise<PipelineTarget> {
  const tenant = await call<{ id: string; apiKey: string }>('POST', `${urls.gateway}/v1/tenants`, adminKey, { name: 'pipeline-bench', rateLimitPerSecond: 1_000_000 });
  const webhook = await call<{ id: string; secret: string }>('POST', `${urls.gateway}/v1/tenants/${tenant.id}/webhooks`, adminKey, { topic: TOPIC });
  await call('PATCH', `${urls.gateway}/v1/webhooks/${webhook.id}`, tenant.apiKey, { rateLimitPerSecond: 1_000_000 });
  const trackingPrefix = 'PKG-';
  let next = 0;
  const register = async () => {
    for (let i = next++; i < parcels; i = next++) {
      await call('PUT', `${urls.worker}/v1/tracking/packages/${trackingPrefix}${i}/recipient`, tenant.apiKey, {
        email: `customer-${i}@example.com`,
        language: i % 2 ? 'de' : 'en',
        consent: true,
      });
    }
  };
  await Promise.all(Array.from({ length: REGISTRATION_CONCURRENCY }, register));
  return {
    webhookUrl: `${urls.gateway}/webhooks/${webhook.id}`,
    secret: webhook.secret,
    push: { kind: 'graphql-ws', url: urls.graphqlWs, apiKey: tenant.apiKey },
    trackingPrefix,
    parcels,
  };
}

async function call<T = unknown>(method: string, url: string, key: string, body: object): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  if (response.status >= 300) throw new Error(`${method} ${new URL(url).pathname} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

const LAG = /^tributary_consumer_lag_messages\{([^}]*)\} (\S+)$/;
const DEAD = /^tributary_dead_letters\{[^}]*\} (\S+)$/;

/** Consumer lag and dead letters from the apps' /metrics (postgres groups are read from the database by any app). */
async function readTail(urls: readonly string[]): Promise<FrameworkTail> {
  const lagByGroup: Record<string, number> = {};
  let deadLetters = 0;
  for (const url of urls) {
    const text = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) }).then((r) => r.text());
    let dead = 0;
    for (const line of text.split('\n')) {
      const lag = LAG.exec(line);
      if (lag) {
        const labels = Object.fromEntries([...lag[1].matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
        const key = `${labels.group} ${labels.topic}`;
        lagByGroup[key] = Math.max(lagByGroup[key] ?? 0, Number(lag[2]));
      }
      const d = DEAD.exec(line);
      if (d) dead += Number(d[1]);
    }
    deadLetters = Math.max(deadLetters, dead);
  }
  return { maxLag: Math.max(0, ...Object.values(lagByGroup)), lagByGroup, deadLetters };
}
