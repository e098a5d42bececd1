import { loadavg } from 'node:os';
import pg from 'pg';
import { createTestDatabase, startKafkaBroker, type KafkaTestBroker, type TestDatabase } from '@tributary/testing';
import { againstBaseline, type BenchSettings, type MeasureResult } from './measure.js';
import { startRawPipeline } from './pipeline-baseline.js';
import { startDistributedFramework, startEmbeddedFramework, type RunningSystem } from './pipeline-framework.js';
import { startPipelineLoad, type LoadOptions, type PipelineLoad } from './pipeline-load.js';
import { findSaturation, latencyAt, niceRate, runStep, type SearchResult, type SearchSettings, type StepResult } from './pipeline-search.js';
import { statementCounting, statementsBetween, type StatementInstrument } from './pipeline-statements.js';

/**
 * The headline: signed carrier webhooks, each for a parcel with a registered recipient, through the
 * whole track & trace path (gateway → worker: normalize, state machine, run records, notification →
 * event store: append, projection → change capture → graphql-ws `packageUpdated`), offered at fixed
 * rates. Saturation is the highest rate whose backlog stays bounded (see pipeline-search.ts); the
 * baseline is a raw pipeline doing the same kinds of durable writes on the same database with the
 * same processes and batch bounds (pipeline-baseline.worker.ts). Also: webhook → push latency at half
 * the saturation, and SQL statements per webhook at the saturation rate.
 */

const env = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return process.env[name] && Number.isFinite(value) && value > 0 ? value : fallback;
};

const SEARCH: SearchSettings = {
  seconds: env('BENCH_PIPELINE_SECONDS', 30),
  quickSeconds: env('BENCH_PIPELINE_QUICK_SECONDS', 5),
  startRate: env('BENCH_PIPELINE_START_RATE', 100),
  maxRate: env('BENCH_PIPELINE_MAX_RATE', 6_400),
  steps: env('BENCH_PIPELINE_STEPS', 3),
  resolution: 1.1,
};
/**
 * Parcels in rotation: a parcel gets its next update parcels/rate seconds after the previous one, so
 * one parcel's updates are never in flight together (out of order, the later one would be stale and
 * never pushed).
 */
const PARCELS = env('BENCH_PIPELINE_PARCELS', 4_000);
/** Latency at this rate instead of half the saturation: to compare two versions at the same load. */
const LATENCY_RATE = env('BENCH_PIPELINE_LATENCY_RATE', 0);
const LOAD: LoadOptions = { sockets: 128, sampleMs: 250 };
/** The statement count: idle first, then at the saturation rate for this long. */
const IDLE_SECONDS = 5;
const COUNT_SECONDS = Math.min(10, SEARCH.seconds);
const STATEMENT_TARGET = 15;
const EMBEDDED_TARGET = 500;
const RATIO_TARGET = 0.5;

/** Embedded: the standalone process on PGlite, against the raw pipeline in one process on PGlite. */
export async function pipelineEmbedded(_settings: BenchSettings): Promise<MeasureResult> {
  const started = { at: performance.now(), load: loadavg()[0] };
  const baseline = await measure(() => startRawPipeline(undefined, PARCELS), false);
  const framework = await measure(() => startEmbeddedFramework(PARCELS), true);
  const statements = await countStatements((instrument) => startEmbeddedFramework(PARCELS, instrument), framework.search.saturation);
  const result = report('embedded (standalone process, PGlite)', framework, baseline, statements, started, {
    processes: 'framework: 1 (standalone: four apps); baseline: 1 (four stages)',
  });
  const absolutePass = framework.search.saturation >= EMBEDDED_TARGET;
  return { ...result, pass: result.pass && absolutePass, details: { ...result.details, absoluteTarget: `>= ${EMBEDDED_TARGET} webhooks/s`, absolutePass } };
}

/** Distributed: the four apps as processes on PostgreSQL (postgres transport), against the raw pipeline as four processes. */
export async function pipelineDistributed(_settings: BenchSettings): Promise<MeasureResult> {
  return distributed('postgres');
}

/** The same with the Kafka transport on the Kafka-protocol test broker (in the bench's process, idle while it serves). */
export async function pipelineDistributedKafka(_settings: BenchSettings): Promise<MeasureResult> {
  return distributed('kafka');
}

/**
 * The raw pipeline on the server, measured once per bench run: it uses no transport, so the Kafka
 * measure compares against the same baseline (measured afresh only if it runs alone).
 */
let serverBaseline: Measured | undefined;

async function distributed(transport: 'postgres' | 'kafka'): Promise<MeasureResult> {
  const started = { at: performance.now(), load: loadavg()[0] };
  const db = await serverDatabase();
  let broker: KafkaTestBroker | undefined;
  try {
    const transportEnv = async (): Promise<Record<string, string>> => {
      if (transport === 'postgres') return {};
      broker ??= await startKafkaBroker();
      return { TRIBUTARY_TRANSPORT: 'kafka', KAFKA_BROKERS: broker.brokers.join(',') };
    };
    const reused = serverBaseline !== undefined;
    const baseline = (serverBaseline ??= await measure(() => startRawPipeline(db.url, PARCELS), false, db.url));
    const framework = await measure(async () => startDistributedFramework(db.url, PARCELS, await transportEnv()), true, db.url);
    const statements = await countStatements(
      async (instrument) => startDistributedFramework(db.url, PARCELS, await transportEnv(), instrument),
      framework.search.saturation,
    );
    return report(`distributed (four processes, PostgreSQL, ${transport} transport)`, framework, baseline, statements, started, {
      processes: 'framework: 4 (one per app); baseline: 4 (one per stage)',
      ...(reused ? { baselineMeasured: 'earlier in this bench run (pipelineDistributed)' } : {}),
      ...(broker ? { kafka: 'Kafka-protocol test broker (libs/testing) in the bench process' } : {}),
    });
  } finally {
    await broker?.stop();
    await db.drop();
  }
}

/** A fresh database on the PostgreSQL server (TEST_DATABASE_URL's, by default postgres://postgres@127.0.0.1:5432). */
async function serverDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  if (db.kind === 'server') return db;
  await db.drop();
  throw new Error('the distributed pipeline measure needs a PostgreSQL server (none reachable at TEST_DATABASE_URL)');
}

interface Measured {
  readonly search: SearchResult;
  readonly latency?: Awaited<ReturnType<typeof latencyAt>>;
  /** Rows written (inserted, updated, deleted) per accepted webhook, by table; server databases only. */
  readonly rowsPerWebhook?: Record<string, number>;
  readonly accepted: number;
  /** Pushes for a webhook already pushed, or for none sent: both must stay 0. */
  readonly strayPushes: { readonly duplicates: number; readonly unknown: number };
}

/** Starts a system and a load on it, finds its saturation (and the latency at half of it), stops both. */
async function measure(start: () => Promise<RunningSystem>, withLatency: boolean, databaseUrl?: string): Promise<Measured> {
  const system = await start();
  let load: PipelineLoad | undefined;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await load?.stop();
    await system.stop();
  };
  try {
    const rowsBefore = databaseUrl ? await rowWrites(databaseUrl) : undefined;
    load = await startPipelineLoad(system.target, LOAD);
    const search = await findSaturation(system, load, SEARCH);
    const latency =
      withLatency && search.saturation > 0 ? await latencyAt(system, load, LATENCY_RATE || niceRate(search.saturation / 2), SEARCH.seconds, Math.min(5, SEARCH.seconds / 3)) : undefined;
    const { accepted, duplicates, unknown } = await load.totals();
    await stop();
    // Stopped: every backend has flushed its statistics.
    const rowsPerWebhook = databaseUrl && rowsBefore ? perWebhook(rowsBefore, await rowWrites(databaseUrl), accepted) : undefined;
    return { search, latency, rowsPerWebhook, accepted, strayPushes: { duplicates, unknown } };
  } finally {
    await stop();
  }
}

interface StatementResult {
  readonly measured: true;
  readonly rate: number;
  readonly webhooks: number;
  readonly perWebhook: number;
  /** Per webhook, less what the same time idle costs. */
  readonly amortized: number;
  readonly idlePerSecond: number;
  readonly keptUp: boolean;
  readonly top: readonly string[];
}

/**
 * Statements per webhook at the saturation rate, in a run of its own (the counter costs CPU): the
 * system idle for IDLE_SECONDS (its polls, counted apart), then COUNT_SECONDS of load and its drain.
 */
async function countStatements(
  start: (instrument: StatementInstrument) => Promise<RunningSystem>,
  rate: number,
): Promise<StatementResult | { measured: false; why: string }> {
  if (rate <= 0) return { measured: false, why: 'no saturation rate to count at' };
  const counting = statementCounting();
  if (!counting) return { measured: false, why: 'no statement counter preload in this build (libs/testing statement-counter.preload)' };
  let system: RunningSystem | undefined;
  let load: PipelineLoad | undefined;
  try {
    system = await start(counting.instrument);
    load = await startPipelineLoad(system.target, LOAD);
    const idleStart = await counting.snapshot(system.pids);
    const idleAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
    const idleEnd = await counting.snapshot(system.pids);
    const idlePerSecond = (idleEnd.total - idleStart.total) / ((performance.now() - idleAt) / 1000);
    const loadedAt = performance.now();
    const step: StepResult = await runStep(system, load, rate, COUNT_SECONDS, false);
    const window = statementsBetween(idleEnd, await counting.snapshot(system.pids));
    const seconds = (performance.now() - loadedAt) / 1000;
    const webhooks = step.sent - step.latency.unpushed;
    const round = (n: number) => Math.round(n * 10) / 10;
    return {
      measured: true,
      rate,
      webhooks,
      perWebhook: round(window.total / webhooks),
      amortized: round((window.total - idlePerSecond * seconds) / webhooks),
      idlePerSecond: round(idlePerSecond),
      keptUp: step.pass,
      top: [...window.statements]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 12)
        .map(([statement, count]) => `${round(count / webhooks)}/webhook  ${statement.length > 110 ? `${statement.slice(0, 109)}…` : statement}`),
    };
  } catch (error) {
    // The count is a detail of the measure: its failure is reported there (and here), not the measure's.
    console.error(`pipeline statement count failed: ${(error as Error).stack ?? String(error)}`);
    return { measured: false, why: `failed: ${(error as Error).message}` };
  } finally {
    await load?.stop();
    await system?.stop();
    counting.close();
  }
}

function report(
  mode: string,
  framework: Measured,
  baseline: Measured,
  statements: Awaited<ReturnType<typeof countStatements>>,
  started: { at: number; load: number },
  layout: Record<string, string>,
): MeasureResult {
  const latency = framework.latency;
  return againstBaseline(`pipeline ${mode}: webhooks processed end to end`, 'webhooks/s', framework.search.saturation, baseline.search.saturation, RATIO_TARGET, {
    saturation: { framework: framework.search.saturation, baseline: baseline.search.saturation },
    firstFailing: { framework: framework.search.firstFailing, baseline: baseline.search.firstFailing },
    latencyAtHalfSaturation: latency
      ? { rate: latency.rate, p50: latency.p50, p90: latency.p90, p99: latency.p99, max: latency.max, webhooks: latency.count, lost: latency.lost }
      : 'not measured (no saturation)',
    statements: statements.measured
      ? { ...statements, target: `<= ${STATEMENT_TARGET} amortized`, pass: statements.amortized <= STATEMENT_TARGET }
      : `not measured: ${statements.why}`,
    ...(framework.search.saturation >= SEARCH.maxRate || baseline.search.saturation >= SEARCH.maxRate
      ? { capped: `a saturation at BENCH_PIPELINE_MAX_RATE (${SEARCH.maxRate}) is a lower bound` }
      : {}),
    webhooks: { framework: framework.accepted, baseline: baseline.accepted },
    strayPushes: { framework: framework.strayPushes, baseline: baseline.strayPushes },
    steps: { framework: steps(framework.search), baseline: steps(baseline.search) },
    ...(framework.rowsPerWebhook ? { rowsPerWebhook: { framework: framework.rowsPerWebhook, baseline: baseline.rowsPerWebhook } } : {}),
    settings: {
      ...SEARCH,
      parcels: PARCELS,
      sockets: LOAD.sockets,
      batchBounds: 'ingest 256 per statement, consumers 100 per transaction, change reads 500 (the framework’s defaults, the baseline the same)',
      connections: 'framework: a pool of up to 10 per app + LISTEN; baseline: one per stage + LISTEN per process (never more)',
      ...layout,
    },
    loadAverage: { atStart: Math.round(started.load * 100) / 100, atEnd: Math.round(loadavg()[0] * 100) / 100 },
    minutes: Math.round((performance.now() - started.at) / 6_000) / 10,
  });
}

/** The steps, one short line of numbers each. */
function steps(search: SearchResult): Record<string, unknown> {
  const line = (s: StepResult) => ({
    rate: s.rate,
    pass: s.pass,
    ...(s.why ? { why: s.why } : {}),
    processedPerSecond: s.processedPerSecond,
    endBacklog: s.endBacklog,
    growth: s.growth,
    p50: s.latency.p50,
    p99: s.latency.p99,
    lost: s.lost,
    ...(s.tail ? { lag: [s.tail.maxLagAtTwoThirds, s.tail.maxLagAtEnd] } : {}),
    cpuPercent: s.cpuPercent,
    loadAverage: s.loadAverage,
  });
  return { seconds: search.seconds, quick: search.quick.map(line), sustained: search.sustained.map(line) };
}

type RowWrites = Map<string, number>;

/** Rows inserted + updated + deleted so far, per table (the server's statistics). */
async function rowWrites(url: string): Promise<RowWrites> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; n: string }>(
      `SELECT schemaname || '.' || relname AS name, n_tup_ins + n_tup_upd + n_tup_del AS n FROM pg_stat_user_tables`,
    );
    return new Map(rows.map((r) => [r.name, Number(r.n)]));
  } finally {
    await client.end();
  }
}

function perWebhook(before: RowWrites, after: RowWrites, webhooks: number): Record<string, number> {
  const result: Record<string, number> = {};
  let total = 0;
  for (const [table, n] of after) {
    const delta = n - (before.get(table) ?? 0);
    if (delta / webhooks < 0.05) continue;
    result[table] = Math.round((delta / webhooks) * 100) / 100;
    total += delta;
  }
  return { total: Math.round((total / webhooks) * 10) / 10, ...result };
}
