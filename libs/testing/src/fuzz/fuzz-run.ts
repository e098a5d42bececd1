import fc from 'fast-check';
import { testEnvironment, type TestEnvironment } from '../test.config.js';

/** How a fuzz run is seeded and how long it searches (FUZZ_SEED, FUZZ_RUNS, FUZZ_PATH, FUZZ_ONLY). */
export interface FuzzSettings {
  readonly seed: number;
  /** Runs per property when FUZZ_RUNS is set (each property has its own default otherwise). */
  readonly runs?: number;
  /** Replays one counterexample (with its seed). */
  readonly path?: string;
  /** Only the property of this name runs (the others are skipped): the one a path belongs to. */
  readonly only?: string;
}

/** One seed per test process unless FUZZ_SEED says which: every property of a run starts from it. */
const processSeed = (Date.now() ^ (process.pid << 16)) | 0;

export function fuzzSettings(env: TestEnvironment = testEnvironment()): FuzzSettings {
  const seed = env.FUZZ_SEED === undefined || env.FUZZ_SEED === '' ? processSeed : Number(env.FUZZ_SEED);
  if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got "${env.FUZZ_SEED}"`);
  const runs = env.FUZZ_RUNS ? Number(env.FUZZ_RUNS) : undefined;
  if (runs !== undefined && !(Number.isInteger(runs) && runs > 0)) throw new Error(`FUZZ_RUNS must be a positive integer, got "${env.FUZZ_RUNS}"`);
  return { seed, runs, path: env.FUZZ_PATH || undefined, only: env.FUZZ_ONLY || undefined };
}

export interface FuzzOptions<Ts> {
  /** Runs when FUZZ_RUNS is not set: small, so that `npm test` stays short. */
  readonly numRuns: number;
  /** Cases always run first (in addition to `numRuns`): the counterexamples found earlier, pinned as regressions. */
  readonly examples?: Ts[];
  /** Names the property where a test checks several (one per route): FUZZ_ONLY selects it. */
  readonly name?: string;
}

/** What a passing check ran: how many cases, and whether it replayed one case (FUZZ_PATH) or was skipped (FUZZ_ONLY). */
export interface FuzzRun {
  readonly runs: number;
  readonly replay: boolean;
  /** The seed it ran from (FUZZ_SEED replays it). */
  readonly seed: number;
}

/** Whether a check searched enough for a "this did happen" guard to mean something (not a replay, not a handful of runs). */
export const searched = (run: FuzzRun, atLeast = 20): boolean => !run.replay && run.runs >= atLeast;

/**
 * The "not vacuous" guard of a search: every kind of outcome it was written to reach happened (checked only when
 * it `searched`). A miss names the seed, which replays the whole search.
 */
export function expectReached(run: FuzzRun, reached: Iterable<string>, expected: readonly string[]): void {
  if (!searched(run)) return;
  const missing = expected.filter((outcome) => ![...reached].includes(outcome));
  if (missing.length > 0) {
    throw new Error(`the search never reached: ${missing.join(', ')} (${run.runs} runs; replay them with FUZZ_SEED=${run.seed})`);
  }
}

/** Where the running jest test is (to print the command that replays it), when jest runs it. */
function currentTest(): { name?: string; path?: string } {
  const state = (globalThis as { expect?: { getState?: () => { currentTestName?: string; testPath?: string } } }).expect?.getState?.();
  return { name: state?.currentTestName, path: state?.testPath?.replace(`${process.cwd()}/`, '') };
}

const quoted = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * Checks an async property with the run's seed and prints, on failure, fast-check's report (the
 * counterexample, shrunk), what failed, and the command that replays that one case.
 */
export async function checkFuzz<Ts>(property: fc.IAsyncPropertyWithHooks<Ts>, options: FuzzOptions<Ts>): Promise<FuzzRun> {
  const settings = fuzzSettings();
  if (settings.only !== undefined && options.name !== undefined && settings.only !== options.name) return { runs: 0, replay: true, seed: settings.seed };
  const details = await fc.check(property, {
    seed: settings.seed,
    path: settings.path,
    // The pinned examples run first, on top of the random cases.
    numRuns: (settings.runs ?? options.numRuns) + (options.examples?.length ?? 0),
    examples: options.examples ?? [],
  });
  if (!details.failed) return { runs: details.numRuns, replay: settings.path !== undefined, seed: settings.seed };
  const report = (await fc.asyncDefaultReportMessage(details)) ?? 'the property failed';
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  const test = currentTest();
  const replay = [
    `FUZZ_SEED=${details.seed}`,
    details.counterexamplePath ? `FUZZ_PATH=${details.counterexamplePath}` : '',
    options.name ? `FUZZ_ONLY=${quoted(options.name)}` : '',
    'npm run test:int --',
    test.path ? `--testPathPattern ${quoted(test.path)}` : '',
    // -t takes a pattern: the name's own special characters matched as themselves.
    test.name ? `-t ${quoted(test.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))}` : '',
  ].filter(Boolean);
  throw new Error(`${report}\n\nWhat failed: ${error}\n\nReplay this case: ${replay.join(' ')}`);
}
