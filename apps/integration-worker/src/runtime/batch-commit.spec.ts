import type { EntityManager } from 'typeorm';
import { BatchCommit, type PendingCommit } from './batch-commit.js';

const work = (value: string) => async (_db: EntityManager) => value;
const settle = <T>(promise: Promise<T>) => promise.then((value) => ({ value }), (error: unknown) => ({ error }));

describe('BatchCommit (group commit of a batch of handler runs)', () => {
  it('executes once every run reached its commit, in the runs’ order, and resolves each with its result', async () => {
    const executed: number[][] = [];
    const group = new BatchCommit<string>(3, async (commits) => {
      executed.push(commits.map((c) => c.index));
      for (const commit of commits) commit.resolve(await commit.work({} as EntityManager));
    });
    const second = group.enqueue(1, 'b', work('B'));
    const third = group.enqueue(2, 'c', work('C'));
    expect(executed).toEqual([]);
    const first = group.enqueue(0, 'a', work('A'));
    expect(await Promise.all([first, second, third])).toEqual(['A', 'B', 'C']);
    expect(executed).toEqual([[0, 1, 2]]);
    expect(group.committed).toBe(true);
  });

  it('writes nothing when a run fails: every waiting commit is rejected with that failure', async () => {
    let executed = false;
    const group = new BatchCommit<string>(3, async () => void (executed = true));
    const first = settle(group.enqueue(0, 'a', work('A')));
    const failure = new Error('refused');
    group.failed(1, failure);
    expect(group.failing).toBe(true);
    const third = settle(group.enqueue(2, 'c', work('C')));
    expect(await first).toEqual({ error: failure });
    expect(await third).toEqual({ error: failure });
    expect(executed).toBe(false);
    expect(group.committed).toBe(false);
  });

  it('counts a run that reached its commit and then failed once, and rejects a commit asked for after the flush', async () => {
    const commits: PendingCommit<string>[] = [];
    const group = new BatchCommit<string>(2, async (pending) => void commits.push(...pending));
    const first = settle(group.enqueue(0, 'a', work('A')));
    group.failed(0, new Error('timed out waiting'));
    // Not flushed yet: run 1 has neither committed nor failed.
    expect(commits).toEqual([]);
    group.failed(1, new Error('abandoned'));
    expect(await first).toEqual({ error: new Error('timed out waiting') });
    expect(await settle(group.enqueue(1, 'b', work('B')))).toEqual({ error: new Error('timed out waiting') });
  });

  it('rejects every commit when the transaction fails', async () => {
    const group = new BatchCommit<string>(2, async () => {
      throw new Error('connection lost');
    });
    const results = await Promise.all([settle(group.enqueue(0, 'a', work('A'))), settle(group.enqueue(1, 'b', work('B')))]);
    expect(results).toEqual([{ error: new Error('connection lost') }, { error: new Error('connection lost') }]);
    expect(group.committed).toBe(false);
  });
});
