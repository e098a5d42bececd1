import { randomInt } from 'node:crypto';
import { testEnvironment } from './test.config.js';

/** What a kill found in flight: how much work, and what it was (for the schedule). */
export interface InFlight {
  readonly count: number;
  readonly detail: string;
}

export interface LandKillOptions<T extends InFlight> {
  /** Kills at a moment drawn from the schedule and returns what was in flight then (read before any restart). */
  readonly kill: (attempt: number) => Promise<T>;
  /** Brings the killed process back after a kill that found nothing in flight, before the next try. */
  readonly recover: () => Promise<void>;
  /** Tries before the test fails (a kill that keeps finding nothing proves nothing). Default 5. */
  readonly attempts?: number;
}

/**
 * The schedule of a chaos test: where its kills land is drawn from one seed — `CHAOS_SEED` replays a
 * run — and every kill is written down with what was in flight when it landed, so that a failure
 * says which process died when, holding what. A kill that found nothing in flight proves nothing:
 * `landKill` tries again until one does.
 */
export class ChaosSchedule {
  readonly seed: number;
  private state: number;
  private readonly started = Date.now();
  private readonly steps: string[] = [];

  constructor(
    readonly name: string,
    seed?: number,
  ) {
    this.seed = seed ?? chaosSeed();
    this.state = this.seed;
  }

  /** An integer in [min, max], the next one the seed gives (mulberry32). */
  int(min: number, max: number): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const unit = ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    return min + Math.floor(unit * (max - min + 1));
  }

  /** Writes a step down, with the time since the schedule began. */
  note(step: string): void {
    this.steps.push(`+${Date.now() - this.started} ms  ${step}`);
  }

  /**
   * Kills until a kill lands on work in flight (`count` > 0) and returns what it found; a kill that
   * found nothing is noted, recovered from and tried again, up to `attempts` times.
   */
  async landKill<T extends InFlight>(what: string, { kill, recover, attempts = 5 }: LandKillOptions<T>): Promise<T> {
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const found = await kill(attempt);
      this.note(`${what}, try ${attempt}: ${found.count} in flight — ${found.detail}`);
      if (found.count > 0) return found;
      await recover();
      this.note(`${what}: recovered after a kill with nothing in flight`);
    }
    throw new Error(`${what}: no kill in ${attempts} tries landed on work in flight\n${this}`);
  }

  /** Runs a test's body; when it fails, the failure carries the seed and the schedule. */
  async run<T>(body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      throw withSchedule(error, this.toString());
    }
  }

  toString(): string {
    return [`chaos schedule "${this.name}", seed ${this.seed} (CHAOS_SEED=${this.seed} replays it):`, ...this.steps.map((s) => `  ${s}`)].join('\n');
  }
}

/** CHAOS_SEED when set (a run to replay), else a fresh one. */
function chaosSeed(): number {
  const given = testEnvironment().CHAOS_SEED;
  if (given === undefined || given === '') return randomInt(2 ** 31);
  const seed = Number(given);
  if (!Number.isSafeInteger(seed)) throw new Error(`CHAOS_SEED must be an integer (a seed a chaos test printed), not "${given}"`);
  return seed;
}

function withSchedule(error: unknown, schedule: string): unknown {
  if (!(error instanceof Error)) return new Error(`${String(error)}\n\n${schedule}`);
  if (error.message.includes(schedule)) return error;
  const message = `${error.message}\n\n${schedule}`;
  // Jest prints the stack, which starts with the message it was made with.
  if (error.stack?.includes(error.message)) error.stack = error.stack.replace(error.message, message);
  error.message = message;
  return error;
}
