import { AsyncResource } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import {
  EventSubscriber,
  type EntitySubscriberInterface,
  type QueryRunner,
  type TransactionCommitEvent,
  type TransactionRollbackEvent,
} from 'typeorm';
import type { Queryable } from './queryable.js';

/** Emitted for every commit in this process, whatever it wrote. */
export const ANY_COMMIT = 'commit';

const PENDING = Symbol('pendingSignals');
const TASKS = Symbol('afterCommitTasks');
type SignalData = { [PENDING]?: Set<string>; [TASKS]?: Array<() => void> };

/**
 * Process-wide wake-ups tied to commits. Pollers (transport consumers, change readers) wait on
 * a channel so that work written in this process is picked up the moment its transaction commits —
 * the only wake-up an embedded database has, since its NOTIFY reaches no one. On a real server
 * LISTEN/NOTIFY adds the cross-process wake-up; either way a short poll is the safety net and a
 * signal never carries data.
 */
class CommitSignal extends EventEmitter {
  /** Signals `channel` once the transaction `q` belongs to commits (at once if `q` is not in one). */
  afterCommit(q: Queryable, channel: string): void {
    const runner = (q as { queryRunner?: QueryRunner }).queryRunner;
    if (!runner?.isTransactionActive) {
      this.emit(channel);
      return;
    }
    const data = runner.data as SignalData;
    (data[PENDING] ??= new Set()).add(channel);
  }

  /**
   * Runs `task` once the transaction `q` belongs to commits (at once if `q` is not in one); never if
   * it rolls back. For work that must not happen inside the transaction, such as a NOTIFY (which
   * takes a server-wide lock at commit). `task` must not throw.
   */
  afterCommitRun(q: Queryable, task: () => void): void {
    const runner = (q as { queryRunner?: QueryRunner }).queryRunner;
    if (!runner?.isTransactionActive) return task();
    ((runner.data as SignalData)[TASKS] ??= []).push(task);
  }

  /**
   * The listener runs in its subscriber's async context, not in the committer's: in the standalone
   * process they are different apps, and what the listener logs or starts belongs to the subscriber.
   */
  subscribe(channel: string, listener: () => void): () => void {
    const bound = AsyncResource.bind(listener);
    this.on(channel, bound);
    return () => this.off(channel, bound);
  }

  flush(runner: QueryRunner | undefined, committed: boolean): void {
    const data = runner?.data as SignalData | undefined;
    const pending = data?.[PENDING];
    const tasks = data?.[TASKS];
    if (data) {
      delete data[PENDING];
      delete data[TASKS];
    }
    if (!committed) return;
    pending?.forEach((channel) => this.emit(channel));
    tasks?.forEach((task) => task());
    this.emit(ANY_COMMIT);
  }
}

export const commitSignal = new CommitSignal();
commitSignal.setMaxListeners(0);

@EventSubscriber()
export class CommitSignalSubscriber implements EntitySubscriberInterface {
  afterTransactionCommit(event: TransactionCommitEvent): void {
    commitSignal.flush(event.queryRunner, true);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    commitSignal.flush(event.queryRunner, false);
  }
}
