import type { EntityManager } from 'typeorm';
import type { Skipped } from './integration-handler.js';

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
  private readonly waiting: PendingCommit<C>[] = [];
  private failures = 0;
  private failure: unknown;
  private flushed = false;

  constructor(
    private readonly runs: number,
    private readonly execute: (commits: readonly PendingCommit<C>[]) => Promise<void>,
  ) {}

  /** A run's commit: settles when the batch's transaction does. */
  enqueue<R>(index: number, context: C, work: (db: EntityManager) => Promise<R>): Promise<R | Skipped> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ index, context, work, resolve: resolve as (result: unknown) => void, reject });
      this.flushWhenReady();
    });
  }

  /** A run that failed before (or without) reaching its commit: the batch will write nothing. */
  failed(error: unknown): void {
    this.failures++;
    this.failure ??= error;
    this.flushWhenReady();
  }

  private flushWhenReady(): void {
    if (this.flushed || this.waiting.length + this.failures < this.runs) return;
    this.flushed = true;
    const commits = [...this.waiting].sort((a, b) => a.index - b.index);
    if (this.failures > 0) {
      commits.forEach((commit) => commit.reject(this.failure));
      return;
    }
    this.execute(commits).catch((error: unknown) => commits.forEach((commit) => commit.reject(error)));
  }
}
