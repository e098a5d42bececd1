import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopProcess, type RunningSystem } from './pipeline-framework.js';

/**
 * The pipeline measure's baseline: the same signed webhooks through a raw pipeline with no framework
 * (bare node:http, node:crypto, plain `pg`, bare `ws`), doing the same kinds of durable writes per
 * webhook on the same kind of database, in as many processes as the framework, with the same batch
 * bounds. See pipeline-baseline.worker.ts for what each stage writes.
 */

export type RawRole = 'ingress' | 'worker' | 'store' | 'sink';

/** What a raw pipeline process is told (argv[2], JSON). */
export interface RawConfig {
  readonly roles: readonly RawRole[];
  /** A PostgreSQL server; unset: the process starts the embedded database (PGlite) in `embeddedDir`. */
  readonly databaseUrl?: string;
  readonly embeddedDir?: string;
  /** Create the scratch schema and the recipients (the first process started does). */
  readonly setup: boolean;
  /** Wake the other processes' stages with NOTIFY (they LISTEN); in one process, in-process signals do. */
  readonly notify: boolean;
  readonly tenantId: string;
  readonly webhookId: string;
  readonly secret: string;
  readonly trackingPrefix: string;
  readonly parcels: number;
}

/** The roles in start order, one process each when the framework runs as four processes. */
const ROLES: readonly RawRole[] = ['ingress', 'worker', 'store', 'sink'];
const READY_TIMEOUT_MS = 60_000;

/**
 * Embedded: one process with the four stages and its own PGlite (on disk, as the standalone's), like
 * the standalone process. Server: four processes on `databaseUrl` (scratch schema `raw_pipeline`),
 * like the four apps.
 */
export async function startRawPipeline(databaseUrl: string | undefined, parcels: number): Promise<RunningSystem> {
  const embeddedDir = databaseUrl ? undefined : mkdtempSync(join(tmpdir(), 'tributary-raw-pipeline-'));
  const base = {
    databaseUrl,
    embeddedDir,
    notify: databaseUrl !== undefined,
    tenantId: randomUUID(),
    webhookId: randomUUID(),
    secret: `whsec_${randomBytes(24).toString('base64')}`,
    trackingPrefix: 'PKG-',
    parcels,
  };
  const layout: RawRole[][] = databaseUrl ? ROLES.map((r) => [r]) : [[...ROLES]];
  const running: { roles: RawRole[]; child: ChildProcess }[] = [];
  const ports: { ingress?: number; sink?: number } = {};
  const stop = async () => {
    for (const { child } of [...running].reverse()) await stopProcess(child, 10_000);
    if (embeddedDir) rmSync(embeddedDir, { recursive: true, force: true });
  };
  try {
    for (const [i, roles] of layout.entries()) {
      const config: RawConfig = { ...base, roles, setup: i === 0 };
      const child = fork(new URL('./pipeline-baseline.worker.js', import.meta.url), [JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      running.push({ roles, child });
      Object.assign(ports, await ready(child, roles));
    }
    if (!ports.ingress || !ports.sink) throw new Error('the raw pipeline has no ingress or no sink');
    return {
      target: {
        webhookUrl: `http://127.0.0.1:${ports.ingress}/webhooks/${base.webhookId}`,
        secret: base.secret,
        push: { kind: 'ws', url: `ws://127.0.0.1:${ports.sink}` },
        trackingPrefix: base.trackingPrefix,
        parcels,
      },
      pids: Object.fromEntries(running.map(({ roles, child }) => [`raw ${roles.join('+')}`, child.pid!])),
      check: () => {
        const gone = running.find(({ child }) => child.exitCode !== null || child.signalCode !== null);
        if (gone) throw new Error(`raw pipeline process ${gone.roles.join('+')} exited (${gone.child.exitCode ?? gone.child.signalCode})`);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function ready(child: ChildProcess, roles: readonly RawRole[]): Promise<{ ingress?: number; sink?: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`raw ${roles.join('+')} not ready within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    child.once('message', (message: { ports: { ingress?: number; sink?: number } }) => {
      clearTimeout(timer);
      resolve(message.ports);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`raw ${roles.join('+')} exited (${code ?? signal}) before it was ready`));
    });
  });
}
