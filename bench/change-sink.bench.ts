import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '@tributary/database';
import { createTestDatabase, eventually, sendStandardWebhook, sleep, subscribe, type TestDatabase } from '@tributary/testing';
import { startPlatform } from '../apps/standalone/src/platform.js';
import { loadStandaloneConfig } from '../apps/standalone/src/standalone.config.js';
import { startBareServer, type BareTransport } from './change-sink-baseline.js';
import { monotonicMs, startClientFleet, type ClientFleet } from './change-sink-clients.js';
import { atMost, atMostRatio, type BenchSettings, type MeasureResult } from './measure.js';

/** How many clients one change-sink serves in the fan-out measures (the target: 5,000). */
const CLIENTS = Number(process.env.BENCH_SINK_CLIENTS) || 5_000;
const GRAPHQL_CLIENTS = Number(process.env.BENCH_SINK_GRAPHQL_CLIENTS) || 5_000;
/** Fan-out changes per second while latency is measured (each reaches every client). */
const FANOUT_RATE = 4;
/**
 * The fan-out target: p99 at most this many times a bare `ws` server's, fanning the same bytes out to
 * the same client processes in the same run (an absolute bound is out of reach while 5,000 clients
 * share the machine's two cores with the server; how far the change-sink is from the floor is not).
 */
const FANOUT_RATIO_AT_MOST = 1.5;

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

/** CPU time a process used so far (user and system), in ms, from /proc (Linux). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}
const TICKS_PER_SECOND = 100;

/** The whole machine's busy and total CPU time so far (all cores, all processes), in ticks, from /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - ticks[3] - ticks[4], total };
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] : NaN);
const round = (n: number) => Math.round(n * 10) / 10;

/** The change-sink as its own process (as deployed): neither the writer nor the clients share its event loop. */
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

/** How many processes the fan-out clients are spread over (their own, not the bench's nor the change-sink's). */
const CLIENT_PROCESSES = Number(process.env.BENCH_SINK_CLIENT_PROCESSES) || 2;

interface Sent {
  /** monotonicMs() just before the INSERT was sent: the row carries it as sent_ms. */
  readonly sent: number;
  /** monotonicMs() when the commit (autocommit INSERT) was acknowledged. */
  readonly committed: number;
}

/**
 * Writes one `broadcasts` row stamped `sentMs` (its sent_ms) and resolves with its id once
 * acknowledged: the change-sink's is an INSERT (acknowledged when committed), the bare server's a
 * message to it (acknowledged when received).
 */
type WriteChange = (sentMs: number, body: 'measured' | 'warmup') => Promise<number>;

const insertInto =
  (client: pg.Client): WriteChange =>
  async (sentMs, body) =>
    (await client.query(`INSERT INTO broadcasts (sent_ms, body) VALUES ($1, $2) RETURNING id`, [sentMs, body])).rows[0].id;

/**
 * Writes `count` fan-out changes at FANOUT_RATE, each stamped with monotonicMs() just before it is
 * sent: latency is measured from there (an upper bound of commit → client: it includes the commit
 * round trip) to a client's receipt, on the same clock in the clients' processes. `measured` is false
 * for warm-up rows.
 */
async function broadcast(write: WriteChange, count: number, measured: boolean, sent: Map<number, Sent>): Promise<void> {
  for (let i = 0; i < count; i++) {
    const started = monotonicMs();
    const id = await write(started, measured ? 'measured' : 'warmup');
    const committed = monotonicMs();
    if (measured) sent.set(id, { sent: started, committed });
    await sleep(Math.max(0, 1000 / FANOUT_RATE - (monotonicMs() - started)));
  }
}

/**
 * The fan-out latency: CLIENTS authorized clients (in CLIENT_PROCESSES processes of their own) on
 * one server process (the change-sink, or the bare baseline), every change going to all of them; from
 * the writer stamping a change to each client receiving it. Also checks that every client got every
 * measured change once, in order.
 */
async function measureFanout(write: WriteChange, sinkPid: number, fleet: ClientFleet, settings: BenchSettings) {
  const sent = new Map<number, Sent>();
  await broadcast(write, Math.max(4, Math.round((settings.warmupMs / 1000) * FANOUT_RATE)), false, sent);
  const count = Math.max(8, Math.round((settings.durationMs / 1000) * FANOUT_RATE));
  const [sinkCpu, clientsCpu, machine, load] = [processCpuMs(sinkPid), (await fleet.progress()).cpuMs, machineTicks(), loadavg()[0]];
  await broadcast(write, count, true, sent);
  const expected = count * fleet.clients;
  const done = await eventually(() => fleet.progress(), (p) => p.measured >= expected, { timeoutMs: 60_000, intervalMs: 200 }).catch(() => fleet.progress());
  const machineAfter = machineTicks();
  const { receipts, duplicates, outOfOrder } = await fleet.receipts();
  const latencies: number[] = [];
  const sinceCommit: number[] = [];
  const spread = new Map<number, { first: number; last: number }>();
  for (const pairs of receipts) {
    for (let i = 0; i < pairs.length; i += 2) {
      const row = sent.get(pairs[i])!;
      const latency = pairs[i + 1] - row.sent;
      latencies.push(latency);
      sinceCommit.push(pairs[i + 1] - row.committed);
      const seen = spread.get(pairs[i]);
      spread.set(pairs[i], { first: Math.min(seen?.first ?? Infinity, latency), last: Math.max(seen?.last ?? -Infinity, latency) });
    }
  }
  const sorted = latencies.sort((a, b) => a - b);
  const commits = [...sent.values()].map((s) => s.committed - s.sent).sort((a, b) => a - b);
  return {
    p99: round(percentile(sorted, 99)),
    details: {
      clients: fleet.clients,
      clientProcesses: fleet.processes,
      fanoutChanges: count,
      deliveries: latencies.length,
      expectedDeliveries: expected,
      duplicates,
      outOfOrder,
      p50: round(percentile(sorted, 50)),
      p90: round(percentile(sorted, 90)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted.at(-1) ?? NaN),
      // The INSERT's own round trip (included above), and the latency counted from its acknowledgement instead.
      commitP50: round(percentile(commits, 50)),
      sinceCommitAckP99: round(percentile(sinceCommit.sort((a, b) => a - b), 99)),
      // Per change: its first client (the capture → reader → broadcast path) and its last one (plus the fan-out).
      firstClientP50: round(percentile([...spread.values()].map((s) => s.first).sort((a, b) => a - b), 50)),
      lastClientP50: round(percentile([...spread.values()].map((s) => s.last).sort((a, b) => a - b), 50)),
      deliveriesPerSecond: Math.round(FANOUT_RATE * fleet.clients),
      // Where the CPU went while the measured changes were written and received (2 cores on the dev machine):
      // the change-sink's (or the bare server's), all client processes', and the whole machine busy (everything running on it).
      sinkCpuMsPerChange: round((processCpuMs(sinkPid) - sinkCpu) / count),
      clientsCpuMsPerChange: round((done.cpuMs - clientsCpu) / count),
      machineBusyPercent: Math.round((100 * (machineAfter.busy - machine.busy)) / (machineAfter.total - machine.total)),
      loadAverage: [round(load), round(loadavg()[0])],
    },
  };
}

/**
 * socket.io fan-out: the latency of a `*` change to all CLIENTS clients (see measureFanout), its p99
 * against the bare baseline's (bareFanout); then routed changes (one user each) as fast as one writer
 * commits them, for the sustained rate.
 */
export async function changeSinkSocketFanout(settings: BenchSettings): Promise<MeasureResult> {
  const fx = await fixture(CLIENTS);
  const sink = await startSinkProcess(fx.db.url);
  let fleet: ClientFleet | undefined;
  let framework: { fanout: Awaited<ReturnType<typeof measureFanout>>; details: Record<string, unknown> };
  try {
    const connectStart = monotonicMs();
    fleet = await startClientFleet('socket.io', sink.url, fx.tokens, CLIENT_PROCESSES);
    const connectSeconds = (monotonicMs() - connectStart) / 1000;
    const fanout = await measureFanout(insertInto(fx.client), sink.child.pid!, fleet, settings);

    // Sustained: routed changes, 100 per commit, as fast as one writer goes.
    const before = (await fleet.progress()).routed;
    const routedStart = monotonicMs();
    let routedSent = 0;
    while (monotonicMs() - routedStart < settings.durationMs) {
      await fx.client.query(`INSERT INTO inbox (owner, sent_ms) SELECT ($1::int[])[1 + (g % $2)], $3 FROM generate_series(1, 100) g`, [
        fx.ids,
        fx.ids.length,
        monotonicMs(),
      ]);
      routedSent += 100;
    }
    const routed = await eventually(() => fleet!.progress(), (p) => p.routed - before >= routedSent, { timeoutMs: 60_000, intervalMs: 100 }).catch(() =>
      fleet!.progress(),
    );
    const routedSeconds = (monotonicMs() - routedStart) / 1000;
    const routedReceived = routed.routed - before;

    framework = {
      fanout,
      details: {
        connectSeconds: round(connectSeconds),
        routedChangesSent: routedSent,
        routedChangesReceived: routedReceived,
        routedDuplicatesOrOutOfOrder: routed.duplicates + routed.outOfOrder - fanout.details.duplicates - fanout.details.outOfOrder,
        routedChangesPerSecond: Math.round(routedReceived / routedSeconds),
      },
    };
  } finally {
    await fleet?.stop();
    await sink.stop();
    await fx.client.end();
    await fx.db.drop();
  }
  const bare = await bareFanout('socket.io', fx.tokens, settings);
  return atMostRatio('change-sink socket.io fan-out: change written -> client, p99', 'ms', framework.fanout.p99, bare.p99, FANOUT_RATIO_AT_MOST, {
    ...framework.fanout.details,
    ...framework.details,
    baseline: bare.details,
  });
}

/** The same fan-out over graphql-ws `changes(tables: ["broadcasts"])`, against the same baseline over graphql-ws. */
export async function changeSinkGraphqlFanout(settings: BenchSettings): Promise<MeasureResult> {
  const fx = await fixture(GRAPHQL_CLIENTS);
  const sink = await startSinkProcess(fx.db.url);
  let fleet: ClientFleet | undefined;
  let fanout: Awaited<ReturnType<typeof measureFanout>>;
  try {
    fleet = await startClientFleet('graphql-ws', sink.url, fx.tokens, CLIENT_PROCESSES);
    // graphql-ws answers connection_ack before the subscription is set up: let them all start.
    await sleep(1_000);
    fanout = await measureFanout(insertInto(fx.client), sink.child.pid!, fleet, settings);
  } finally {
    await fleet?.stop();
    await sink.stop();
    await fx.client.end();
    await fx.db.drop();
  }
  const bare = await bareFanout('graphql-ws', fx.tokens, settings);
  return atMostRatio('change-sink graphql-ws fan-out: change written -> client, p99', 'ms', fanout.p99, bare.p99, FANOUT_RATIO_AT_MOST, {
    ...fanout.details,
    baseline: bare.details,
  });
}

/**
 * The fan-out measures' baseline, after the change-sink's (which is stopped by then): a bare `ws`
 * server (change-sink-baseline.worker.ts) in its own process, the same client processes connected to
 * it, and the same changes at the same rate — each row sent to it instead of inserted, and written to
 * every client as the same bytes — measured the same way. What it adds to the writer → client
 * latency is only the fan-out; the change-sink's also has the commit, the capture and the read.
 */
async function bareFanout(transport: BareTransport, tokens: readonly string[], settings: BenchSettings) {
  const server = await startBareServer(transport);
  let fleet: ClientFleet | undefined;
  try {
    fleet = await startClientFleet(transport, server.url, tokens, CLIENT_PROCESSES);
    const clients = fleet.clients;
    // graphql-ws clients are told connected before they subscribe: wait until every one did.
    const ready = await eventually(() => server.status(), (s) => s.receiving >= clients, { timeoutMs: 60_000, intervalMs: 200 });
    let lastId = 0;
    const fanout = await measureFanout(
      async (sentMs, body) => {
        const id = ++lastId;
        await server.publish({ id, sent_ms: sentMs, body });
        return id;
      },
      server.pid,
      fleet,
      settings,
    );
    const { frameBytes } = await server.status();
    return { p99: fanout.p99, details: { server: 'bare ws', receivingClients: ready.receiving, frameBytesPerClient: frameBytes, ...fanout.details } };
  } finally {
    await fleet?.stop();
    await server.stop();
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
