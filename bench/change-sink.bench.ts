import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { freePort } from '@tributary/database';
import { createTestDatabase, eventually, sendStandardWebhook, sleep, subscribe, type TestDatabase } from '@tributary/testing';
import { startPlatform } from '../apps/standalone/src/platform.js';
import { loadStandaloneConfig } from '../apps/standalone/src/standalone.config.js';
import { atMost, type BenchSettings, type MeasureResult } from './measure.js';

/** How many clients one change-sink serves in the fan-out measures (the target: 5,000). */
const CLIENTS = Number(process.env.BENCH_SINK_CLIENTS) || 5_000;
const GRAPHQL_CLIENTS = Number(process.env.BENCH_SINK_GRAPHQL_CLIENTS) || 5_000;
/** Fan-out changes per second while latency is measured (each reaches every client). */
const FANOUT_RATE = 4;

const SCHEMA = `
  CREATE TABLE users (id serial PRIMARY KEY, token text UNIQUE NOT NULL);
  CREATE TABLE broadcasts (id serial PRIMARY KEY, sent_ms double precision NOT NULL, body text);
  CREATE TABLE inbox (id serial PRIMARY KEY, owner integer NOT NULL, sent_ms double precision NOT NULL);
`;

const SINK_ENV = {
  TABLE_NAMES: 'users,broadcasts,inbox',
  AUTH_TABLE: 'users',
  AUTH_COLUMN: 'token',
  TABLE_AUTH_COLUMN_ROUTING: JSON.stringify({ users: 'id', broadcasts: '*', inbox: 'owner' }),
  CAPTURE_TABLES: 'event_store.package_status',
};

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] : NaN);
const round = (n: number) => Math.round(n * 10) / 10;

/** The change-sink as its own process (as deployed), so the clients of this process do not share its event loop. */
async function startSinkProcess(databaseUrl: string): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const port = await freePort();
  // BENCH_SINK_PROFILE_DIR=<dir> writes a CPU profile of the change-sink process there.
  const profile = process.env.BENCH_SINK_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SINK_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, 'dist/apps/change-sink/main.js'], {
    env: { ...process.env, ...SINK_ENV, DATABASE_URL: databaseUrl, TRIBUTARY_NOTIFY_URL: databaseUrl, PORT: String(port), LOG_LEVEL: 'error' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await eventually(
    async () => (child.exitCode !== null ? 'exited' : await fetch(`${url}/ping`).then(() => 'up', () => 'starting')),
    (state) => state !== 'starting',
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  if (child.exitCode !== null) throw new Error(`the change-sink exited with ${child.exitCode}`);
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

interface Fixture {
  readonly db: TestDatabase;
  readonly client: pg.Client;
  readonly tokens: string[];
  readonly ids: number[];
}

async function fixture(users: number): Promise<Fixture> {
  const db = await createTestDatabase();
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query(SCHEMA);
  const { rows } = await client.query(
    `INSERT INTO users (token) SELECT 'bench-' || g || '-' || md5(random()::text) FROM generate_series(1, $1) g RETURNING id, token`,
    [users],
  );
  return { db, client, tokens: rows.map((r) => r.token), ids: rows.map((r) => r.id) };
}

/** Connects `tokens` in waves so the handshakes do not time out on two cores. */
async function connectSockets(url: string, tokens: string[], onChange: (event: string, change: { data: { id: number; sent_ms: number; body?: string } }) => void): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < tokens.length; i += 200) {
    const wave = tokens.slice(i, i + 200).map(
      (token) =>
        new Promise<Socket>((resolve, reject) => {
          const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 60_000 });
          socket.once('connected', () => resolve(socket));
          socket.once('error', reject);
          socket.once('connect_error', reject);
          socket.on('broadcasts', (c) => onChange('broadcasts', c));
          socket.on('inbox', (c) => onChange('inbox', c));
        }),
    );
    sockets.push(...(await Promise.all(wave)));
  }
  return sockets;
}

/**
 * Commits `count` fan-out changes at FANOUT_RATE, each stamped with the time its INSERT was sent:
 * latency is measured from there (an upper bound of commit → client: it includes the commit), on
 * the clock of this process, where the clients are too. `measured` is false for warm-up rows.
 */
async function broadcast(client: pg.Client, count: number, measured: boolean): Promise<void> {
  for (let i = 0; i < count; i++) {
    const started = Date.now();
    await client.query(`INSERT INTO broadcasts (sent_ms, body) VALUES ($1, $2)`, [started, measured ? 'measured' : 'warmup']);
    await sleep(Math.max(0, 1000 / FANOUT_RATE - (Date.now() - started)));
  }
}

/**
 * socket.io fan-out: CLIENTS authorized clients on one change-sink process; every change goes to all
 * of them (`*` routing). Latency is from the writer's commit returning to a client's `broadcasts`
 * event (same clock: writer and clients are this process); then routed changes (one user each) as
 * fast as the writer commits them, for the sustained rate.
 */
export async function changeSinkSocketFanout(settings: BenchSettings): Promise<MeasureResult> {
  const fx = await fixture(CLIENTS);
  const sink = await startSinkProcess(fx.db.url);
  const latencies: number[] = [];
  const spread = new Map<number, { first: number; last: number }>();
  let routedReceived = 0;
  let sockets: Socket[] = [];
  try {
    const connectStart = Date.now();
    sockets = await connectSockets(sink.url, fx.tokens, (event, change) => {
      if (event === 'inbox') routedReceived++;
      else if (change.data.body === 'measured') {
        const latency = Date.now() - change.data.sent_ms;
        latencies.push(latency);
        const seen = spread.get(change.data.id);
        spread.set(change.data.id, { first: Math.min(seen?.first ?? Infinity, latency), last: Math.max(seen?.last ?? 0, latency) });
      }
    });
    const connectSeconds = (Date.now() - connectStart) / 1000;
    await broadcast(fx.client, Math.max(4, Math.round((settings.warmupMs / 1000) * FANOUT_RATE)), false);
    const count = Math.max(8, Math.round((settings.durationMs / 1000) * FANOUT_RATE));
    await broadcast(fx.client, count, true);
    await eventually(async () => latencies.length, (n) => n >= count * sockets.length, { timeoutMs: 60_000, intervalMs: 200 }).catch(() => undefined);
    const sorted = [...latencies].sort((a, b) => a - b);

    // Sustained: routed changes, 100 per commit, as fast as one writer goes.
    const routedStart = Date.now();
    let routedSent = 0;
    while (Date.now() - routedStart < settings.durationMs) {
      await fx.client.query(`INSERT INTO inbox (owner, sent_ms) SELECT ($1::int[])[1 + (g % $2)], $3 FROM generate_series(1, 100) g`, [
        fx.ids,
        fx.ids.length,
        Date.now(),
      ]);
      routedSent += 100;
    }
    await eventually(async () => routedReceived, (n) => n >= routedSent, { timeoutMs: 60_000, intervalMs: 100 }).catch(() => undefined);
    const routedSeconds = (Date.now() - routedStart) / 1000;

    return atMost('change-sink socket.io fan-out: change written -> client, p99', 'ms', percentile(sorted, 99), 100, {
      clients: sockets.length,
      connectSeconds: round(connectSeconds),
      fanoutChanges: count,
      deliveries: latencies.length,
      expectedDeliveries: count * sockets.length,
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted.at(-1),
      // Per change: its first client (the capture → reader → broadcast path) and its last one (plus the fan-out).
      firstClientP50: percentile([...spread.values()].map((s) => s.first).sort((a, b) => a - b), 50),
      lastClientP50: percentile([...spread.values()].map((s) => s.last).sort((a, b) => a - b), 50),
      deliveriesPerSecond: Math.round(FANOUT_RATE * sockets.length),
      routedChangesSent: routedSent,
      routedChangesReceived: routedReceived,
      routedChangesPerSecond: Math.round(routedReceived / routedSeconds),
    });
  } finally {
    sockets.forEach((s) => s.disconnect());
    await sink.stop();
    await fx.client.end();
    await fx.db.drop();
  }
}

/** The same fan-out over graphql-ws `changes(tables: ["broadcasts"])`. */
export async function changeSinkGraphqlFanout(settings: BenchSettings): Promise<MeasureResult> {
  const fx = await fixture(GRAPHQL_CLIENTS);
  const sink = await startSinkProcess(fx.db.url);
  const latencies: number[] = [];
  const clients: Client[] = [];
  try {
    const wsUrl = `${sink.url.replace(/^http/, 'ws')}/graphql`;
    for (let i = 0; i < fx.tokens.length; i += 200) {
      await Promise.all(
        fx.tokens.slice(i, i + 200).map(
          (token) =>
            new Promise<void>((resolve, reject) => {
              const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: { token }, lazy: false, retryAttempts: 0, on: { connected: () => resolve() }, onNonLazyError: reject });
              clients.push(client);
              client.subscribe<{ changes: { data: { sent_ms: number; body: string } } }>(
                { query: 'subscription { changes(tables: ["broadcasts"]) { data } }' },
                {
                  next: ({ data }) => {
                    if (data?.changes.data.body === 'measured') latencies.push(Date.now() - data.changes.data.sent_ms);
                  },
                  error: () => undefined,
                  complete: () => undefined,
                },
              );
            }),
        ),
      );
    }
    await sleep(1_000);
    await broadcast(fx.client, Math.max(4, Math.round((settings.warmupMs / 1000) * FANOUT_RATE)), false);
    const count = Math.max(8, Math.round((settings.durationMs / 1000) * FANOUT_RATE));
    await broadcast(fx.client, count, true);
    await eventually(async () => latencies.length, (n) => n >= count * clients.length, { timeoutMs: 60_000, intervalMs: 200 }).catch(() => undefined);
    const sorted = [...latencies].sort((a, b) => a - b);
    return atMost('change-sink graphql-ws fan-out: change written -> client, p99', 'ms', percentile(sorted, 99), 100, {
      clients: clients.length,
      fanoutChanges: count,
      deliveries: latencies.length,
      expectedDeliveries: count * clients.length,
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted.at(-1),
    });
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    await sink.stop();
    await fx.client.end();
    await fx.db.drop();
  }
}

/**
 * Embedded mode (`npm start`: four apps in one process on PGlite): a signed webhook accepted by the
 * gateway → worker → event store → projection row → change-sink → graphql-ws `packageUpdated`.
 * One webhook at a time, from sending it to the subscriber receiving its update.
 */
export async function webhookToSubscription(settings: BenchSettings): Promise<MeasureResult> {
  const home = mkdtempSync(join(tmpdir(), 'tributary-bench-'));
  const platform = await startPlatform(
    loadStandaloneConfig({ TRIBUTARY_HOME: home, GATEWAY_PORT: '0', EVENT_STORE_PORT: '0', CHANGE_SINK_PORT: '0', WORKER_PORT: '0', LOG_LEVEL: 'silent' }),
  );
  try {
    const admin = (path: string, body: unknown) =>
      fetch(`${platform.urls.gateway}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${platform.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<Record<string, string>>);
    const tenant = await admin('/v1/tenants', { name: 'bench' });
    const webhook = await admin(`/v1/tenants/${tenant.id}/webhooks`, { topic: 'tracking.carrier-update.received' });
    const sub = subscribe<{ trackingId: string }>(platform.urls.graphqlWs, tenant.apiKey, 'subscription { packageUpdated { trackingId } }', {}, 'packageUpdated');
    await sub.connected;
    const latencies: number[] = [];
    const send = async (n: number, measure: boolean) => {
      const trackingId = `PKG-${n}`;
      const started = performance.now();
      const response = await sendStandardWebhook(webhook.url, webhook.secret, { trackingId, carrier: 'DHL', status: 'In Transit', occurredAt: new Date().toISOString() });
      if (response.status !== 202) throw new Error(`webhook answered ${response.status}`);
      await eventually(async () => sub.received.some((u) => u.trackingId === trackingId), Boolean, { timeoutMs: 10_000, intervalMs: 1 });
      if (measure) latencies.push(performance.now() - started);
    };
    let n = 0;
    for (const end = Date.now() + settings.warmupMs; Date.now() < end; ) await send(n++, false);
    for (const end = Date.now() + settings.durationMs; Date.now() < end; ) await send(n++, true);
    await sub.close();
    const sorted = [...latencies].sort((a, b) => a - b);
    return atMost('webhook accepted -> subscription client (embedded), p99', 'ms', round(percentile(sorted, 99)), 100, {
      webhooks: latencies.length,
      p50: round(percentile(sorted, 50)),
      p50Target: '<= 20 ms',
      p50Pass: percentile(sorted, 50) <= 20,
      p90: round(percentile(sorted, 90)),
      p99: round(percentile(sorted, 99)),
    });
  } finally {
    await platform.stop();
    rmSync(home, { recursive: true, force: true });
  }
}
