import { availableParallelism } from 'node:os';
import { describeTarget, type BenchSettings, type Measure, type MeasureResult } from './measure.js';
import { eventStoreAppend, projectionRebuild } from './event-store.bench.js';
import { producerThroughput, workerNoopConsume } from './kafka-throughput.bench.js';
import { webhookIngest } from './webhook-ingest.bench.js';
import { idleRss } from './idle-rss.bench.js';
import { changeSinkGraphqlFanout, changeSinkSocketFanout, webhookToSubscription } from './change-sink.bench.js';
import { pipelineDistributed, pipelineDistributedKafka, pipelineEmbedded } from './pipeline.bench.js';

/** Every measure `npm run bench` runs, in order. Add new ones here. */
const measures: readonly Measure[] = [
  pipelineEmbedded,
  pipelineDistributed,
  pipelineDistributedKafka,
  webhookIngest,
  workerNoopConsume,
  producerThroughput,
  changeSinkSocketFanout,
  changeSinkGraphqlFanout,
  webhookToSubscription,
  eventStoreAppend,
  projectionRebuild,
  idleRss,
];

const settings: BenchSettings = {
  warmupMs: positive(process.env.BENCH_WARMUP_MS, 1_000),
  durationMs: positive(process.env.BENCH_DURATION_MS, 5_000),
  concurrency: positive(process.env.BENCH_CONCURRENCY, 32),
};

// BENCH_ONLY=webhookIngest,… runs only the named measures (their function names).
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
const selected = only?.length ? measures.filter((m) => only.includes(m.name)) : measures;

const results: MeasureResult[] = [];
const failures: { name: string; error: string }[] = [];
for (const measure of selected) {
  try {
    results.push(await measure(settings));
  } catch (error) {
    failures.push({ name: measure.name, error: (error as Error).stack ?? String(error) });
  }
}

printTable(results);
for (const failure of failures) console.error(`bench ${failure.name} failed: ${failure.error}`);
console.log(
  JSON.stringify({
    bench: 'tributary',
    node: process.version,
    cpus: availableParallelism(),
    settings,
    results,
    ...(failures.length ? { failures: failures.map((f) => f.name) } : {}),
  }),
);
// Missing a target is a finding, not a failure; a measure that could not run is.
process.exitCode = failures.length ? 1 : 0;

function printTable(rows: readonly MeasureResult[]): void {
  const header = ['measure', 'value', 'baseline', 'ratio', 'target', 'result'];
  const lines = rows.map((r) => [
    `${r.name} (${r.unit})`,
    formatNumber(r.value),
    r.baseline === null ? '-' : formatNumber(r.baseline),
    r.ratio === null ? '-' : `${r.ratio.toFixed(2)}x`,
    describeTarget(r.target, r.unit),
    r.pass ? 'ok' : 'BELOW TARGET',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(format(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const line of lines) console.log(format(line));
}

function formatNumber(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2);
}

function positive(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return value && Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
}
