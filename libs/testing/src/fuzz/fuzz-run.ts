import fc from 'fast-check';
import { testEnvironment, type TestEnvironment } from '../test.config.js';

/** How a fuzz run is seeded and how long it searches (FUZZ_SEED, FUZZ_RUNS, FUZZ_PATH). */
export interface FuzzSettings {
  readonly seed: number;
  /** Runs per property when FUZZ_RUNS is set (each property has its own default otherwise). */
  readonly runs?: number;
  /** Replays one counterexample (with its seed). */
  readonly path?: string;
}

/** One seed per test process unless FUZZ_SEED says which: every property of a run starts from it. */
const processSeed = (Date.now() ^ (process.pid << 16)) | 0;

export function fuzzSettings(env: TestEnvironment = testEnvironment()): FuzzSettings {
  const seed = env.FUZZ_SEED === undefined || env.FUZZ_SEED === '' ? processSeed : Number(env.FUZZ_SEED);
  if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got "${env.FUZZ_SEED}"`);
  const runs = env.FUZZ_RUNS ? Number(env.FUZZ_RUNS) : undefined;
  if (runs !== undefined && !(Number.isInteger(runs) && runs > 0)) throw new Error(`FUZZ_RUNS must be a positive integer, got "${env.FUZZ_RUNS}"`);
  return { seed, runs, path: env.FUZZ_PATH || undefined };
}

export interface FuzzOptions<Ts> {
  /** Runs when FUZZ_RUNS is not set: small, so that `npm test` stays short. */
  readonly numRuns: number;
  /** Cases always run first: the counterexamples found earlier, pinned as regressions. */
  readonly examples?: Ts[];
}

/**
 * Checks an async property with the run's seed and prints, on failure, fast-check's report (the
 * counterexample, shrunk) and how to replay it: `FUZZ_SEED=… FUZZ_PATH=…` and the test's name.
 */
export async function checkFuzz<Ts>(property: fc.IAsyncPropertyWithHooks<Ts>, options: FuzzOptions<Ts>): Promise<void> {
  const settings = fuzzSettings();
  const details = await fc.check(property, {
    seed: settings.seed,
    path: settings.path,
    numRuns: settings.runs ?? options.numRuns,
    examples: options.examples ?? [],
  });
  if (!details.failed) return;
  const report = (await fc.asyncDefaultReportMessage(details)) ?? 'the property failed';
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  const replay = details.counterexamplePath
    ? `FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath}`
    : `FUZZ_SEED=${details.seed}`;
  throw new Error(`${report}\n\nWhat failed: ${error}\n\nReplay this case: ${replay} (with jest -t and the test's name)`);
}
