import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { commitSignal } from '@tributary/database';
import { recordDeadLetter } from '../consumer/dead-letters.js';
import type { DeliveryObserver } from '../consumer/delivery-observer.js';
import { deliverWithRetry, retryWarning } from '../consumer/deliver-with-retry.js';
import { defaultRetryPolicy, describeError, type RetryPolicy } from '../retry-policy.js';
import { MESSAGES_CHANNEL, partitionChannel, type PostgresMessageLog, type StoredMessage } from './postgres-message-log.js';
import { wokenSlot } from './cross-process-wakeup.js';
import { PartitionLeases, slotOf, type PartitionRef } from './partition-leases.js';
import { Wakeup } from './wakeup.js';

export interface PostgresGroupOptions {
  readonly dataSource: DataSource;
  /** The consumer group: every group sees every message once. */
  readonly group: string;
  readonly log: PostgresMessageLog;
  /** A real server's URL to LISTEN on for cross-process wake-ups; omit for the embedded database. */
  readonly listenUrl?: string;
  readonly pollIntervalMs?: number;
  readonly leaseMs?: number;
  readonly batchSize?: number;
  readonly retry?: RetryPolicy;
  readonly memberId?: string;
  readonly observer?: DeliveryObserver;
  /** Where the group starts on a partition new to it: where this group stands (see `ConsumerOptions.startFromGroup`). */
  readonly startFromGroup?: string;
}

/**
 * What the member does with messages: `each` handles one at a time (throws on failure; `attempt`
 * is 1 on first delivery to this member); `batch` takes everything read from a partition at once
 * (a relay forwarding in bulk) and is retried as a whole.
 */
export type Deliver =
  | {
      readonly each: (message: StoredMessage, attempt: number) => Promise<void>;
      /** Called with each batch read, before its messages are handed to `each` (throws: the batch is read again). */
      readonly beforeBatch?: (messages: readonly StoredMessage[]) => Promise<void>;
      /** Called when this member starts reading a partition (newly assigned to it). */
      readonly assigned?: (topic: string, partition: number) => void;
      /**
       * Handles the messages of a batch read, in place of `each`, stopping early when `stillOwned`
       * turns false; returns how many, from the first, are done. Throws only on an infrastructure
       * failure, and is then run again on the whole batch.
       */
      readonly all?: (messages: readonly StoredMessage[], stillOwned: () => boolean) => Promise<number>;
    }
  | { readonly batch: (messages: readonly StoredMessage[]) => Promise<void> };

/** The longest an idle partition worker sleeps without being woken (see `runHeadPoll`). */
const IDLE_READ_MS = 30_000;

/**
 * A member of a consumer group over the postgres message log — Kafka's model, in tables: the
 * group's members share the topics' partitions (lease rows, see `PartitionLeases`), each partition
 * is read in offset order by one member at a time, one worker per partition held, and the group's offset is committed only after `deliver` succeeded or
 * the message was dead-lettered. A failing message is retried with backoff and holds its partition
 * (per-key order); one that cannot succeed goes to `messaging.dead_letters`. Used by the postgres
 * transport's server and by the Kafka outbox relay.
 */
export class PostgresGroupConsumer {
  private readonly memberId: string;
  private readonly leases: PartitionLeases;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private readonly retry: RetryPolicy;
  private readonly workers = new Map<string, Promise<void>>();
  private readonly owned = new Set<string>();
  private readonly wakeups = new Map<string, Wakeup>();
  private readonly backoffs = new Set<Wakeup>();
  private readonly releases = new Set<Promise<void>>();
  private readonly unsubscribers: Array<() => void> = [];
  private running = false;
  private membership?: Promise<void>;
  private readonly membershipWakeup = new Wakeup();
  /** The offset each idle partition worker waits at (see `runHeadPoll`). */
  private readonly idleAt = new Map<string, number>();
  private headPoll?: Promise<void>;
  private readonly headPollWakeup = new Wakeup();
  private listener?: pg.Client;

  constructor(
    private readonly options: PostgresGroupOptions,
    private readonly topics: readonly string[],
    private readonly delivery: Deliver,
    private readonly logger: LoggerService,
  ) {
    this.memberId = options.memberId ?? `${options.group}-${randomUUID()}`;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.leaseMs = options.leaseMs ?? 10_000;
    this.batchSize = options.batchSize ?? 100;
    this.retry = options.retry ?? defaultRetryPolicy;
    this.leases = new PartitionLeases(options.dataSource, options.group, this.memberId, this.leaseMs);
  }

  async close(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unsubscribers.forEach((unsubscribe) => unsubscribe());
    this.wakeups.forEach((w) => w.signal());
    this.backoffs.forEach((w) => w.signal());
    this.membershipWakeup.signal();
    this.headPollWakeup.signal();
    await Promise.all([this.membership, this.headPoll]);
    await Promise.allSettled(this.workers.values());
    await Promise.allSettled(this.releases);
    await this.leases.leave().catch((error) => this.logger.warn(`Could not release partitions: ${describeError(error).message}`));
    await this.listener?.end().catch(() => undefined);
  }

  async start(): Promise<void> {
    const topics = [...this.topics];
    this.running = true;
    if (topics.length === 0) return;
    await this.options.log.provision(this.options.dataSource, topics);
    await this.leases.join(topics, this.options.startFromGroup);
    // SQL: the postgres transport's group state (hot path: on the consumer's own connection pool, by topic array)
    const partitions = await this.query<{ topic: string; partition: number }>(
      `SELECT topic, partition FROM messaging.topic_partitions WHERE topic = ANY($1::text[])`,
      [topics],
    );
    for (const ref of partitions) {
      this.unsubscribers.push(commitSignal.subscribe(partitionChannel(ref.topic, ref.partition), () => this.wakeups.get(slotOf(ref))?.signal()));
    }
    await this.startListening();
    await this.rebalance();
    this.membership = this.runMembership();
    this.headPoll = this.runHeadPoll();
  }

  /**
   * A NOTIFY: another process's names the partition it wrote to, whose worker is woken (a bare topic,
   * from an older publisher, wakes every one of the topic); this process's own are skipped — its
   * commit signals woke the workers already.
   */
  private wake(payload: string): void {
    const slot = wokenSlot(payload);
    if (slot === undefined) return;
    if (slot.includes('#')) return this.wakeups.get(slot)?.signal();
    for (const [worker, wakeup] of this.wakeups) {
      if (worker.startsWith(`${slot}#`)) wakeup.signal();
    }
  }

  private async startListening(): Promise<void> {
    if (!this.options.listenUrl) return;
    const client = new pg.Client({ connectionString: this.options.listenUrl });
    let lost = false;
    client.on('notification', (n) => n.payload && this.wake(n.payload));
    client.on('error', (error) => {
      // Before it is listening, a failure is the connect's or the LISTEN's to report (see below).
      if (lost || this.listener !== client) return;
      lost = true;
      this.logger.warn(`LISTEN connection lost (${error.message}); polling until it is back`);
      this.listener = undefined;
      void client.end().catch(() => undefined);
      this.listenAgainSoon();
    });
    try {
      await client.connect();
      // SQL: LISTEN (no ORM form)
      await client.query(`LISTEN ${MESSAGES_CHANNEL}`);
    } catch (error) {
      lost = true;
      await client.end().catch(() => undefined);
      throw error;
    }
    if (!this.running) {
      // Closed while reconnecting: this client is nobody's to end.
      lost = true;
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
  }

  /** Tries to LISTEN again every half lease until it works (or the member stops): the head poll covers meanwhile. */
  private listenAgainSoon(): void {
    setTimeout(() => {
      if (!this.running) return;
      this.startListening().catch((error: unknown) => {
        this.logger.warn(`LISTEN not restored (${describeError(error).message}); polling, trying again`);
        this.listenAgainSoon();
      });
    }, this.leaseMs / 2).unref();
  }

  private async runMembership(): Promise<void> {
    while (this.running) {
      await this.membershipWakeup.wait(this.leaseMs / 3);
      if (!this.running) break;
      await this.rebalance().catch((error) =>
        this.logger.warn(`Rebalance failed, retrying: ${describeError(error).message}`),
      );
    }
  }

  /**
   * The safety net for wake-ups that do not come (a publisher in another process without LISTEN, a
   * lost notification): every poll interval, one query reads the head of every partition of the
   * subscribed topics (`next_offset`, advanced in the appending transaction, so it never runs ahead
   * of what is committed) and wakes the idle workers that are behind it. An idle member costs one
   * small query per interval, not one read per partition.
   */
  private async runHeadPoll(): Promise<void> {
    while (this.running) {
      await this.headPollWakeup.wait(this.pollIntervalMs);
      if (!this.running) break;
      if (this.idleAt.size === 0) continue;
      try {
        // SQL: the message log's partition heads (hot path: the safety-net poll, by topic array)
        const heads = await this.query<{ topic: string; partition: number; next_offset: string }>(
          `SELECT topic, partition, next_offset FROM messaging.topic_partitions WHERE topic = ANY($1::text[])`,
          [[...this.topics]],
        );
        for (const head of heads) {
          const slot = slotOf(head);
          const at = this.idleAt.get(slot);
          if (at !== undefined && Number(head.next_offset) > at) this.wakeups.get(slot)?.signal();
        }
      } catch (error) {
        this.logger.warn(`Polling the partitions' heads failed, retrying: ${describeError(error).message}`);
      }
    }
  }

  /**
   * Heartbeats, computes this member's share (partitions dealt round-robin over the live members
   * in a fixed order, so every member computes the same deal), takes or renews the leases of its
   * share and lets go of the rest. It never waits on a handler: a partition being given up keeps
   * its lease renewed here until its worker has finished the message in hand (see `release`).
   */
  private async rebalance(): Promise<void> {
    const { mine, theirs } = await this.leases.deal(this.topics);
    for (const ref of theirs.filter((p) => this.owned.has(slotOf(p)))) this.release(ref);
    const draining = theirs.filter((p) => this.workers.has(slotOf(p)));
    const acquired = await this.leases.take(mine, draining);
    const held = new Set(acquired.map(slotOf));
    for (const slot of [...this.owned]) if (!held.has(slot)) this.owned.delete(slot);
    for (const ref of acquired) this.startWorker(ref);
  }

  /**
   * Stops consuming `ref` and gives its lease up once the worker has committed what it finished,
   * in the background: the heartbeat must go on meanwhile, or a slow handler here would let every
   * other lease of this member lapse while its workers still run.
   */
  private release(ref: PartitionRef): void {
    const slot = slotOf(ref);
    this.owned.delete(slot);
    this.wakeups.get(slot)?.signal();
    const released: Promise<void> = Promise.resolve(this.workers.get(slot))
      .then(async () => {
        if (this.owned.has(slot)) return; // dealt back to this member meanwhile
        await this.leases.release(ref);
      })
      .catch((error) => this.logger.warn(`Could not release ${slot}: ${describeError(error).message}`))
      .finally(() => this.releases.delete(released));
    this.releases.add(released);
  }

  private startWorker(ref: PartitionRef): void {
    const slot = slotOf(ref);
    this.owned.add(slot);
    if (this.workers.has(slot)) return;
    if (!this.wakeups.has(slot)) this.wakeups.set(slot, new Wakeup());
    const worker = this.consume(ref)
      .catch((error) => this.logger.error(`Consumer of ${slot} stopped: ${describeError(error).message}`))
      .finally(() => {
        this.workers.delete(slot);
        this.owned.delete(slot);
      });
    this.workers.set(slot, worker);
  }

  private isOwned(ref: PartitionRef): boolean {
    return this.running && this.owned.has(slotOf(ref));
  }

  private async consume(ref: PartitionRef): Promise<void> {
    const wakeup = this.wakeups.get(slotOf(ref))!;
    if ('each' in this.delivery) this.delivery.assigned?.(ref.topic, ref.partition);
    let offset = await this.leases.committedOffset(ref);
    const slot = slotOf(ref);
    // A short batch read everything there was: what was appended since has woken (or will wake) this
    // worker, so it waits rather than reading once more to find nothing (a wake-up is never lost: one
    // that comes while the worker is busy makes its next wait return at once).
    let atHead = false;
    while (this.isOwned(ref)) {
      if (atHead) {
        // Woken by a commit in this process, a NOTIFY, the head poll, a rebalance or shutdown;
        // the bound only guards against a wake-up lost to a bug.
        this.idleAt.set(slot, offset);
        try {
          await wakeup.wait(IDLE_READ_MS);
        } finally {
          this.idleAt.delete(slot);
        }
        atHead = false;
        continue;
      }
      const batch = await this.options.log.read(this.options.dataSource, ref.topic, ref.partition, offset, this.batchSize);
      if (batch.length === 0) {
        atHead = true;
        continue;
      }
      const start = offset;
      if ('batch' in this.delivery) {
        if (await this.deliverBatch(this.delivery.batch, batch, () => this.isOwned(ref))) offset = batch[batch.length - 1].offset + 1;
      } else {
        try {
          await this.delivery.beforeBatch?.(batch);
        } catch (error) {
          this.logger.warn(`Could not prepare ${slotOf(ref)}@${offset}: ${describeError(error).message}`);
          await this.backoff(this.pollIntervalMs);
          continue;
        }
        const { all } = this.delivery;
        if (all) {
          let done = 0;
          const stillOwned = () => this.isOwned(ref);
          const run = async (messages: readonly StoredMessage[]) => void (done = await all(messages, stillOwned));
          if ((await this.deliverBatch(run, batch, stillOwned)) && done > 0) offset = batch[done - 1].offset + 1;
        } else {
          for (const message of batch) {
            if (!this.isOwned(ref)) break;
            const done = await this.deliver(this.delivery.each, message, () => this.isOwned(ref));
            if (!done) break;
            offset = message.offset + 1;
          }
        }
      }
      if (offset > start && !(await this.leases.commit(ref, offset))) return;
      atHead = batch.length < this.batchSize && offset === batch[batch.length - 1].offset + 1;
    }
  }

  /** Handles one message until it succeeds or is dead-lettered; false if the partition was lost meanwhile. */
  private deliver(each: (m: StoredMessage, attempt: number) => Promise<void>, message: StoredMessage, stillOwned: () => boolean): Promise<boolean> {
    const where = `${message.topic}#${message.partition}@${message.offset}`;
    return deliverWithRetry({
      retry: this.retry,
      attempt: (attempt) => each(message, attempt),
      deadLetter: (error, attempts) => {
        this.logger.error(`${where} dead-lettered after ${attempts} attempt(s): ${describeError(error).code}`);
        return this.deadLetter(message, error, attempts);
      },
      backoff: (ms) => this.backoff(ms),
      stillOwned,
      onRetry: (error, attempt) => this.logger.warn(retryWarning(where, error, attempt)),
      observe: (outcome, seconds) => this.options.observer?.observe(message.topic, this.options.group, outcome, seconds),
    });
  }

  private deliverBatch(
    batch: (messages: readonly StoredMessage[]) => Promise<void>,
    messages: readonly StoredMessage[],
    stillOwned: () => boolean,
  ): Promise<boolean> {
    const first = messages[0];
    const where = `${first.topic}#${first.partition}@${first.offset}+${messages.length}`;
    return deliverWithRetry({
      retry: this.retry,
      attempt: () => batch(messages),
      deadLetter: async (error, attempts) => {
        this.logger.error(`${where} dead-lettered after ${attempts} attempt(s): ${describeError(error).code}`);
        for (const message of messages) await this.deadLetter(message, error, attempts);
      },
      backoff: (ms) => this.backoff(ms),
      stillOwned,
      onRetry: (error, attempt) => this.logger.warn(retryWarning(where, error, attempt)),
    });
  }

  private deadLetter(message: StoredMessage, error: unknown, attempts: number): Promise<void> {
    return recordDeadLetter(this.options.dataSource, {
      group: this.options.group,
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      messageId: String(message.envelope?.id ?? ''),
      tenantId: message.envelope?.tenantid ?? null,
      envelope: message.envelope,
      error,
      attempts,
    });
  }

  /** A backoff that new messages do not cut short; only shutdown does. */
  private async backoff(ms: number): Promise<void> {
    const wakeup = new Wakeup();
    this.backoffs.add(wakeup);
    try {
      if (this.running) await wakeup.wait(ms);
    } finally {
      this.backoffs.delete(wakeup);
    }
  }

  private query<T = Record<string, unknown>>(sql: string, params: unknown[]): Promise<T[]> {
    return this.options.dataSource.query(sql, params);
  }
}
