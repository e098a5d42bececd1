import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { FrameworkTail, RunningSystem } from './pipeline-framework.js';
import type { LatencyReport, PipelineLoad, RunReport } from './pipeline-load.js';

/**
 * Saturation of an open-model pipeline: the highest offered rate at which the backlog (webhooks sent −
 * webhooks pushed) stays bounded over a sustained period.
 */

export interface SearchSettings {
  /** Each sustained step (BENCH_PIPELINE_SECONDS). */
  readonly seconds: number;
  /** Each step of the quick doubling ramp that brackets the search. */
  readonly quickSeconds: number;
  /** The ramp's first rate. */
  readonly startRate: number;
  /** The ramp stops here even if the system keeps up (the load process's own limit is near). */
  readonly maxRate: number;
  /** Sustained steps at most (BENCH_PIPELINE_STEPS). */
  readonly steps: number;
  /** The search stops when the highest passing and lowest failing rates are this close (ratio). */
  readonly resolution: number;
}

/** A step passes when, at its end, the backlog is at most this many seconds of load … */
const END_BACKLOG_SECONDS = 2;
/**
 * … it grew by at most this many seconds of load (and at least GROWTH_FLOOR webhooks: at low rates a
 * poll interval's worth of jitter is that much) over the step's last third (least squares) …
 */
const GROWTH_SECONDS = 0.25;
const GROWTH_FLOOR = 20;
/** … and at most this share of the webhooks was refused. */
const REFUSED_SHARE = 0.001;
/** A quick step only checks the backlog at its end, against this. */
const QUICK_END_BACKLOG_SECONDS = 1;
const DRAIN_TIMEOUT_MS = 180_000;
/** A drain that sees no push for this long (and nothing in flight) gives up: what is left is counted lost. */
const DRAIN_QUIET_MS = 5_000;

export interface StepResult {
  readonly rate: number;
  readonly seconds: number;
  readonly pass: boolean;
  readonly why?: string;
  readonly sent: number;
  readonly accepted: number;
  readonly refused: Readonly<Record<string, number>>;
  readonly endBacklog: number;
  /** Backlog growth over the last third, by least squares, in webhooks. */
  readonly growth: number;
  /** Webhooks pushed per second over the step (those sent in it). */
  readonly processedPerSecond: number;
  readonly latency: LatencyReport;
  readonly drainMs: number;
  /** Accepted webhooks never pushed (must stay 0 unless the system was overloaded). */
  readonly lost: number;
  readonly generatorMaxTickGapMs: number;
  /** Framework only: consumer lag at two thirds and at the end of the step, dead letters at the end. */
  readonly tail?: { readonly maxLagAtTwoThirds: number; readonly maxLagAtEnd: number; readonly deadLetters: number };
  /** CPU per process over the step, % of one core; `machine` is the whole machine's busy share (all cores). */
  readonly cpuPercent: Readonly<Record<string, number>>;
  readonly loadAverage: number;
}

export interface SearchResult {
  /** The highest passing sustained rate, webhooks/s (0 if none passed). */
  readonly saturation: number;
  /** The lowest failing sustained rate, if one failed. */
  readonly firstFailing: number | null;
  readonly quick: readonly StepResult[];
  readonly sustained: readonly StepResult[];
  readonly seconds: number;
}

/**
 * A quick doubling ramp (startRate, ×2 … until a step's backlog at its end exceeds a second of load)
 * brackets the capacity; sustained steps then start at the ramp's last passing rate and bisect
 * (geometric mean) between the highest passing and the lowest failing rate, going up ×2 while nothing
 * failed and down ×½ while nothing passed, until they are within `resolution` or `steps` ran. The
 * system is drained between steps, so each starts empty.
 */
export async function findSaturation(system: RunningSystem, load: PipelineLoad, settings: SearchSettings): Promise<SearchResult> {
  const started = performance.now();
  const quick: StepResult[] = [];
  let rate = settings.startRate;
  let quickPassed = 0;
  let quickFailed = Infinity;
  while (rate <= settings.maxRate) {
    const step = await runStep(system, load, rate, settings.quickSeconds, true);
    quick.push(step);
    if (!step.pass) {
      quickFailed = rate;
      break;
    }
    quickPassed = rate;
    rate *= 2;
  }
  const sustained: StepResult[] = [];
  let passed = 0;
  let failed = quickFailed;
  rate = quickPassed || settings.startRate / 2;
  for (let i = 0; i < settings.steps && rate >= 1; i++) {
    const step = await runStep(system, load, rate, settings.seconds, false);
    sustained.push(step);
    if (step.pass) passed = Math.max(passed, rate);
    else failed = Math.min(failed, rate);
    if (passed > 0 && failed / passed <= settings.resolution) break;
    const next = niceRate(passed === 0 ? rate / 2 : failed === Infinity ? rate * 2 : Math.sqrt(passed * failed));
    if (next === rate || (next > settings.maxRate && passed >= settings.maxRate)) break;
    rate = next;
  }
  return {
    saturation: passed,
    firstFailing: failed === Infinity || sustained.every((s) => s.pass) ? null : failed,
    quick,
    sustained,
    seconds: Math.round((performance.now() - started) / 1000),
  };
}

/** Rates of two significant digits: 566 → 570, 1414 → 1400. */
export function niceRate(rate: number): number {
  if (rate < 10) return Math.max(1, Math.round(rate));
  const unit = 10 ** (Math.floor(Math.log10(rate)) - 1);
  return Math.round(rate / unit) * unit;
}

/** One step: offer `rate` for `seconds`, judge the backlog, drain, read the latencies. */
export async function runStep(system: RunningSystem, load: PipelineLoad, rate: number, seconds: number, quick: boolean): Promise<StepResult> {
  system.check();
  const cpu = cpuSnapshot({ ...system.pids, load: load.pid });
  const midTail = !quick && system.tail ? sleep((seconds * 2000) / 3).then(() => system.tail!()) : undefined;
  const report = await load.run(rate, seconds);
  const cpuPercent = cpuSince(cpu);
  const tailAtEnd = !quick && system.tail ? await system.tail() : undefined;
  const tailAtTwoThirds = await midTail;
  const drain = await load.drain(DRAIN_TIMEOUT_MS, DRAIN_QUIET_MS);
  const tailDrainMs = await drainTail(system);
  system.check();
  const latency = await load.latency(report.from, report.to);
  const judged = judge(report, quick, Math.max(0, drain.outstanding), tailAtTwoThirds, tailAtEnd);
  return {
    rate,
    seconds,
    ...judged,
    sent: report.sent,
    accepted: report.accepted,
    refused: report.refused,
    processedPerSecond: Math.round(report.samples.at(-1)![2] / seconds),
    latency,
    drainMs: drain.ms + tailDrainMs,
    lost: Math.max(0, drain.outstanding),
    generatorMaxTickGapMs: report.maxTickGapMs,
    ...(tailAtEnd && tailAtTwoThirds
      ? { tail: { maxLagAtTwoThirds: tailAtTwoThirds.maxLag, maxLagAtEnd: tailAtEnd.maxLag, deadLetters: tailAtEnd.deadLetters } }
      : {}),
    cpuPercent,
    loadAverage: Math.round(loadavg()[0] * 100) / 100,
  };
}

/**
 * Waits for the framework's consumers to catch up too (the worker's later hops may still be working
 * when the last push went out), so the next step starts from an empty system. Throws if they do not.
 */
async function drainTail(system: RunningSystem): Promise<number> {
  if (!system.tail) return 0;
  const started = performance.now();
  for (;;) {
    const tail = await system.tail();
    if (tail.maxLag === 0) return Math.round(performance.now() - started);
    if (performance.now() - started > DRAIN_TIMEOUT_MS) {
      throw new Error(`the framework's consumers did not catch up within ${DRAIN_TIMEOUT_MS} ms: ${JSON.stringify(tail.lagByGroup)}`);
    }
    system.check();
    await sleep(250);
  }
}

function judge(
  report: RunReport,
  quick: boolean,
  lost: number,
  tailAtTwoThirds?: FrameworkTail,
  tailAtEnd?: FrameworkTail,
): { pass: boolean; why?: string; endBacklog: number; growth: number } {
  const { rate, seconds } = report;
  const backlog = report.samples.map(([t, sent, processed]) => [t, sent - processed] as const);
  const endBacklog = backlog.at(-1)![1];
  const lastThird = backlog.filter(([t]) => t >= (seconds * 1000 * 2) / 3);
  const growth = Math.round(slope(lastThird) * ((seconds * 1000) / 3));
  const refused = Object.values(report.refused).reduce((a, b) => a + b, 0);
  const reasons: string[] = [];
  if (refused > report.sent * REFUSED_SHARE) reasons.push(`${refused} refused ${JSON.stringify(report.refused)}`);
  if (lost > 0) reasons.push(`${lost} accepted and never pushed`);
  if (quick) {
    if (endBacklog > rate * QUICK_END_BACKLOG_SECONDS) reasons.push(`backlog ${endBacklog} at the end`);
  } else {
    if (endBacklog > rate * END_BACKLOG_SECONDS) reasons.push(`backlog ${endBacklog} at the end (> ${END_BACKLOG_SECONDS} s of load)`);
    if (growth > Math.max(rate * GROWTH_SECONDS, GROWTH_FLOOR)) reasons.push(`backlog grew by ${growth} over the last third`);
    if (tailAtEnd && tailAtEnd.maxLag > rate * END_BACKLOG_SECONDS) reasons.push(`consumer lag ${tailAtEnd.maxLag} at the end (${laggiest(tailAtEnd)})`);
    if (tailAtEnd && tailAtTwoThirds && tailAtEnd.maxLag - tailAtTwoThirds.maxLag > Math.max(rate * GROWTH_SECONDS, GROWTH_FLOOR) * 2) {
      reasons.push(`consumer lag grew from ${tailAtTwoThirds.maxLag} to ${tailAtEnd.maxLag} over the last third`);
    }
    if (tailAtEnd && tailAtEnd.deadLetters > 0) reasons.push(`${tailAtEnd.deadLetters} dead letters`);
  }
  return { pass: reasons.length === 0, ...(reasons.length ? { why: reasons.join('; ') } : {}), endBacklog, growth };
}

const laggiest = (tail: FrameworkTail) => Object.entries(tail.lagByGroup).sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'none';

/** Least-squares slope of (t, y) points, per unit of t. */
function slope(points: ReadonlyArray<readonly [number, number]>): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

/** Latency at a fixed rate after the system has warmed to it: the first `warmupSeconds` of webhooks are left out. */
export async function latencyAt(system: RunningSystem, load: PipelineLoad, rate: number, seconds: number, warmupSeconds: number) {
  system.check();
  const report = await load.run(rate, seconds);
  const drain = await load.drain(DRAIN_TIMEOUT_MS, DRAIN_QUIET_MS);
  await drainTail(system);
  system.check();
  const latency = await load.latency(report.from + Math.round(rate * warmupSeconds), report.to);
  return { rate, seconds, warmupSeconds, ...latency, lost: Math.max(0, drain.outstanding), refused: report.refused };
}

// ---------------------------------------------------------------- CPU

/** Linux's USER_HZ: the unit of the CPU times in /proc. */
const TICKS_PER_SECOND = 100;

interface CpuSnapshot {
  readonly at: number;
  readonly processes: Record<string, { pid: number; ticks: number }>;
  readonly machine: { busy: number; total: number };
}

function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return NaN;
  }
}

function machineTicks(): { busy: number; total: number } {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - ticks[3] - ticks[4], total };
}

function cpuSnapshot(pids: Record<string, number>): CpuSnapshot {
  return {
    at: performance.now(),
    processes: Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, { pid, ticks: processTicks(pid) }])),
    machine: machineTicks(),
  };
}

function cpuSince(before: CpuSnapshot): Record<string, number> {
  const seconds = (performance.now() - before.at) / 1000;
  const result: Record<string, number> = {};
  for (const [name, { pid, ticks }] of Object.entries(before.processes)) {
    result[name] = Math.round(((processTicks(pid) - ticks) / TICKS_PER_SECOND / seconds) * 100);
  }
  const machine = machineTicks();
  result.machine = Math.round((100 * (machine.busy - before.machine.busy)) / (machine.total - before.machine.total));
  return result;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
