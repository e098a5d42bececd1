import { ChaosSchedule } from './chaos-schedule.js';

const draws = (schedule: ChaosSchedule) => Array.from({ length: 50 }, () => schedule.int(3, 40));

describe('ChaosSchedule', () => {
  it('draws the same kill moments from the same seed, and others from another', () => {
    const first = draws(new ChaosSchedule('a', 1234));
    expect(draws(new ChaosSchedule('b', 1234))).toEqual(first);
    expect(draws(new ChaosSchedule('a', 1235))).not.toEqual(first);
    expect(first.every((n) => Number.isInteger(n) && n >= 3 && n <= 40)).toBe(true);
    expect(new Set(first).size).toBeGreaterThan(10);
  });

  it('fails a test with its seed and its schedule', async () => {
    const schedule = new ChaosSchedule('worker', 77);
    schedule.note('killed the worker after 12 messages');
    const failure = await schedule
      .run(async () => {
        expect(1).toBe(2);
      })
      .catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toContain('CHAOS_SEED=77 replays it');
    expect((failure as Error).message).toContain('killed the worker after 12 messages');
    expect((failure as Error).stack).toContain('CHAOS_SEED=77');
  });

  it('kills again until a kill finds work in flight, recovering in between', async () => {
    const schedule = new ChaosSchedule('sink', 5);
    const found = [0, 0, 3];
    const recovered: number[] = [];
    const landed = await schedule.landKill('kill -9 sink', {
      kill: async (attempt) => ({ count: found[attempt - 1], detail: `try ${attempt}` }),
      recover: async () => void recovered.push(recovered.length + 1),
    });
    expect(landed).toEqual({ count: 3, detail: 'try 3' });
    expect(recovered).toEqual([1, 2]);
    expect(String(schedule)).toMatch(/try 1: 0 in flight[\s\S]*try 3: 3 in flight/);
  });

  it('fails when no kill lands on work in flight', async () => {
    const schedule = new ChaosSchedule('sink', 5);
    const failure = await schedule
      .landKill('kill -9 sink', { kill: async () => ({ count: 0, detail: 'idle' }), recover: async () => undefined, attempts: 2 })
      .catch((error: Error) => error);
    expect((failure as Error).message).toContain('kill -9 sink: no kill in 2 tries landed on work in flight');
    expect((failure as Error).message).toContain('CHAOS_SEED=5');
  });
});
