import fc from 'fast-check';

/**
 * Values drawn from fast-check arbitraries, all from one seed: the n-th draw uses `seed + n`, so a
 * run draws the same values in the same order every time it is given the same seed (`FUZZ_SEED`).
 */
export class Draw {
  private count = 0;

  constructor(readonly seed: number) {}

  /** A seed for a run: `FUZZ_SEED` when set (replaying a failure), else a fresh one. */
  static seedFrom(value: string | undefined): number {
    if (value === undefined || value.trim() === '') return (Math.random() * 2 ** 31) | 0;
    const seed = Number(value);
    if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got "${value}"`);
    return seed;
  }

  value<T>(arbitrary: fc.Arbitrary<T>): T {
    return fc.sample(arbitrary, { seed: this.seed + this.count++, numRuns: 1 })[0];
  }

  /** `items` in a random order. */
  shuffle<T>(items: readonly T[]): T[] {
    if (items.length < 2) return [...items];
    const order = this.value(fc.shuffledSubarray([...items.keys()], { minLength: items.length, maxLength: items.length }));
    return order.map((i) => items[i]);
  }

  /** One of `items`. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from nothing');
    return items[this.value(fc.integer({ min: 0, max: items.length - 1 }))];
  }

  integer(min: number, max: number): number {
    return this.value(fc.integer({ min, max }));
  }

  /** Some of `items` (between min and max of them), in a random order. */
  some<T>(items: readonly T[], min: number, max = items.length): T[] {
    return this.value(fc.shuffledSubarray([...items], { minLength: Math.min(min, items.length), maxLength: Math.min(max, items.length) }));
  }

  /**
   * The queues' items merged in a random order that keeps each queue's own order: a random
   * interleaving of several tenants' sequences of steps.
   */
  interleave<T>(queues: readonly (readonly T[])[]): T[] {
    const tags = queues.flatMap((queue, q) => queue.map(() => q));
    const positions = queues.map(() => 0);
    return this.shuffle(tags).map((q) => queues[q][positions[q]++]);
  }
}
