/** What every bench measure returns, and how results are judged and printed. */

export interface BenchSettings {
  /** Load before counting starts (JIT, pools, caches). */
  readonly warmupMs: number;
  /** How long each measured run counts. */
  readonly durationMs: number;
  /** Concurrent clients for throughput measures. */
  readonly concurrency: number;
}

/**
 * Relative to a baseline measured in the same run — at least so many times it (throughput), or at most
 * so many times it (latency: lower is better) — or an absolute bound (latencies, memory).
 */
export type Target = { readonly ratioAtLeast: number } | { readonly ratioAtMost: number } | { readonly valueAtMost: number };

export interface MeasureResult {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  /** The same quantity for the baseline, measured in this run; null for absolute targets. */
  readonly baseline: number | null;
  /** value / baseline; null for absolute targets. */
  readonly ratio: number | null;
  readonly target: Target;
  readonly pass: boolean;
  /** Anything that helps read the numbers: request counts, errors, database kind. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** A measure sets up what it needs, measures, tears everything down, and returns one result. */
export type Measure = (settings: BenchSettings) => Promise<MeasureResult>;

export function againstBaseline(
  name: string,
  unit: string,
  value: number,
  baseline: number,
  ratioAtLeast: number,
  details?: Record<string, unknown>,
): MeasureResult {
  const ratio = baseline > 0 ? value / baseline : 0;
  return { name, unit, value, baseline, ratio, target: { ratioAtLeast }, pass: ratio >= ratioAtLeast, details };
}

/** Lower is better (a latency): value / baseline must stay at most `ratioAtMost`. */
export function atMostRatio(
  name: string,
  unit: string,
  value: number,
  baseline: number,
  ratioAtMost: number,
  details?: Record<string, unknown>,
): MeasureResult {
  const ratio = baseline > 0 ? value / baseline : Infinity;
  return { name, unit, value, baseline, ratio, target: { ratioAtMost }, pass: ratio <= ratioAtMost, details };
}

export function atMost(name: string, unit: string, value: number, valueAtMost: number, details?: Record<string, unknown>): MeasureResult {
  return { name, unit, value, baseline: null, ratio: null, target: { valueAtMost }, pass: value <= valueAtMost, details };
}

export function describeTarget(target: Target, unit: string): string {
  if ('ratioAtLeast' in target) return `>= ${target.ratioAtLeast}x`;
  if ('ratioAtMost' in target) return `<= ${target.ratioAtMost}x`;
  return `<= ${target.valueAtMost} ${unit}`;
}
