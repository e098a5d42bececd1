import { expectReached, type FuzzRun } from './fuzz-run.js';

const run = (runs: number, replay = false): FuzzRun => ({ runs, replay, seed: 424242 });

describe('expectReached (the "not vacuous" guard of a fuzz search)', () => {
  it('passes when every expected outcome was reached', () => {
    expect(() => expectReached(run(40), new Set(['sent', 'refused', 'other']), ['refused', 'sent'])).not.toThrow();
  });

  it('names what was never reached and the seed that replays the search', () => {
    expect(() => expectReached(run(40), ['refused'], ['refused', 'sent'])).toThrow(
      'the search never reached: sent (40 runs; replay them with FUZZ_SEED=424242)',
    );
  });

  it('says nothing of a replay or of a handful of runs, which need not reach everything', () => {
    expect(() => expectReached(run(40, true), [], ['sent'])).not.toThrow();
    expect(() => expectReached(run(5), [], ['sent'])).not.toThrow();
  });
});
