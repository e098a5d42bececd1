import type { EntityManager } from 'typeorm';
import type { Skipped } from '../sdk/integration-handler.js';

/** One handler run's commit, waiting for its batch's transaction. */
export interface PendingCommit<C> {
  /** The run's place in the batch: commits run in this order (the messages' order). */
  readonly index: number;
  readonly context: C;
  readonly work: (db: EntityManager) => Promise<unknown>;
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

/**
 * Group commit for the handler runs of one batch of messages: the runs go on concurrently, each
 * until its commit; once every run has reached its commit (or failed), the commits execute together
 * in one transaction, in the messages' order, through `execute`. All or nothing: when a run fails
 * before its commit, or the transaction fails, every waiting commit is rejected and nothing is
 * written — the transport then handles the batch's messages one by one.
 */
export class BatchCommit<C> {
  private readonly waiting = new Map<number, PendingCommit<C>>();
  /** The runs that reached their commit or failed: each counted once, by its place in the batch. */
  private readonly settled = new Set<number>();
  private failure: { error: unknown } | undefined;
  private flushed = false;
  /** True once the batch's transaction committed. */
  committed = false;

  constructor(
    private readonly runs: number,
    private readonly execute: (commits: readonly PendingCommit<C>[]) => Promise<void>,
  ) {}

  /** Whether a run failed: the batch will write nothing, so runs not yet started need not start. */
  get failing(): boolean {
    return this.failure !== undefined;
  }

  /** A run's commit: settles when the batch's transaction does (at once, rejected, if the batch failed already). */
  enqueue<R>(index: number, context: C, work: (db: EntityManager) => Promise<R>): Promise<R | Skipped> {
    return new Promise((resolve, reject) => {
      if (this.flushed || this.settled.has(index)) return reject(this.failure?.error ?? new Error('The batch was committed without this run'));
      this.waiting.set(index, { index, context, work, resolve: resolve as (result: unknown) => void, reject });
      this.settled.add(index);
      this.flushWhenReady();
    });
  }

  /** A run that failed (before, without or after reaching its commit): the batch writes nothing. */
  failed(index: number, error: unknown): void {
    this.failure ??= { error };
    this.settled.add(index);
    this.flushWhenReady();
  }

  private flushWhenReady(): void {
    if (this.flushed || this.settled.size < this.runs) return;
    this.flushed = true;
    const commits = [...this.waiting.values()].sort((a, b) => a.index - b.index);
    if (this.failure) {
      const { error } = this.failure;
      commits.forEach((commit) => commit.reject(error));
      return;
    }
    this.execute(commits).then(
      () => (this.committed = true),
      (error: unknown) => commits.forEach((commit) => commit.reject(error)),
    );
  }
}
