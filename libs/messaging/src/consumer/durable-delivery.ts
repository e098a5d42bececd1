import type { LoggerService } from '@nestjs/common';
import { BaseRpcContext } from '@nestjs/microservices';
import { commitSignal, type Queryable } from '@tributary/database';
import type { DataSource } from 'typeorm';
import { Wakeup } from '../postgres/wakeup.js';
import { backoffDelay, describeError, isRetryable, retryPolicyOf, type RetryPolicy } from '../retry-policy.js';
import { recordDeadLetter } from './dead-letters.js';
import type { DeliveryObserver, DeliveryOutcome } from './delivery-observer.js';

/** A message as a transport received it, with where it came from. */
export interface InboundMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number | string;
  /** The partition key (`tenant:subject`): messages of one key are handled in order. */
  readonly key: string;
  readonly messageId: string;
  readonly tenantId: string | null;
  /** The envelope as received; `run` verifies it on every attempt. */
  readonly envelope: unknown;
}

export interface DurableDeliveryOptions {
  readonly dataSource: DataSource;
  readonly group: string;
  /** The topics this member handles: it retries only their messages. */
  readonly topics: readonly string[];
  /** The default policy; a handler's own policy travels on its error (see `withRetryPolicy`). */
  readonly retry: RetryPolicy;
  readonly memberId: string;
  readonly logger: LoggerService;
  readonly observer?: DeliveryObserver;
  /** Longest wait between looks for retries that are due (in-process deferrals wake it at once). */
  readonly pollIntervalMs?: number;
  /**
   * How long a claimed retry belongs to this member without renewal (renewed every third of it while
   * the handler runs): a member that dies lets its retries go after this.
   */
  readonly leaseMs?: number;
  /** Retries run at once (each is the head of a different key). */
  readonly concurrency?: number;
  /** How long this member trusts what it knows of a partition's deferred keys before reading them again. */
  readonly revalidateMs?: number;
  /** Verifies the message and hands it to its handler; throws on failure. `attempt` counts across restarts. */
  readonly run: (message: InboundMessage, attempt: number) => Promise<void>;
  /**
   * The batch-first path: verifies a run of one partition's messages and hands them to their
   * topic's batch handler, all or nothing; false when the topic has none (see `deliverAll`).
   */
  readonly runBatch?: (messages: readonly InboundMessage[]) => Promise<boolean>;
}

interface DeferredRow {
  id: string;
  key: string;
  topic: string;
  partition: number;
  offset: string;
  message_id: string;
  tenant_id: string | null;
  envelope: unknown;
  attempts: number;
  dead_letter_id: string | null;
}

/** What a batch handler (`@OnMessages`) can learn about its batch (`@Ctx() ctx: MessageBatchContext`): every message is a first delivery. */
export class MessageBatchContext extends BaseRpcContext<[readonly InboundMessage[]]> {
  get messages(): readonly InboundMessage[] {
    return this.args[0];
  }
}

/** The in-process wake-up of a group's retry loop (see `commitSignal`). */
export const deferredChannel = (group: string): string => `deferred:${group}`;

/**
 * Serializes, per key, the writers of `messaging.deferred` (the main path parking a message, a
 * retry finishing and promoting the next one, a redrive), so a message is never parked behind a
 * head that is being removed at the same moment — it would wait forever.
 */
export async function lockKey(q: Queryable, group: string, key: string): Promise<void> {
  await q.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7264002)) AS locked`, [`${group}\u001f${key}`]);
}

/**
 * Puts a message in `messaging.deferred`: due after `dueInMs` if it is the first of its key there,
 * otherwise waiting (NULL) behind the earlier ones. Idempotent per transport position.
 */
export async function deferMessage(
  q: Queryable,
  group: string,
  message: InboundMessage,
  state: { attempts: number; dueInMs: number; error?: unknown; deadLetterId?: string },
): Promise<void> {
  await lockKey(q, group, message.key);
  const error = state.error === undefined ? undefined : describeError(state.error);
  await q.query(
    `WITH added AS (
       INSERT INTO messaging.deferred
         (group_id, key, topic, partition, "offset", message_id, tenant_id, envelope, attempts, next_attempt_at,
          error_code, error_message, dead_letter_id)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9,
              CASE WHEN EXISTS (SELECT 1 FROM messaging.deferred WHERE group_id = $1 AND key = $2) THEN NULL
                   ELSE now() + make_interval(secs => $10::float8) END,
              $11, $12, $13
       ON CONFLICT (group_id, topic, partition, "offset") DO NOTHING RETURNING id
     ) SELECT id FROM added`,
    [
      group,
      message.key,
      message.topic,
      message.partition,
      String(message.offset),
      message.messageId,
      message.tenantId,
      JSON.stringify(message.envelope ?? null),
      state.attempts,
      state.dueInMs / 1000,
      error?.code ?? null,
      error?.message.slice(0, 2000) ?? null,
      state.deadLetterId ?? null,
    ],
  );
  commitSignal.afterCommit(q, deferredChannel(group));
}

/** Makes the next waiting message of `key` due now (its predecessor is done). */
async function promoteNext(q: Queryable, group: string, key: string): Promise<void> {
  await q.query(
    `WITH next AS (
       UPDATE messaging.deferred SET next_attempt_at = now()
        WHERE id = (SELECT min(id) FROM messaging.deferred WHERE group_id = $1 AND key = $2) AND next_attempt_at IS NULL
       RETURNING 1
     ) SELECT count(*) AS n FROM next`,
    [group, key],
  );
}

/**
 * Retries that survive restarts, with per-key order, for both transports. A message whose handler
 * fails retryably leaves the partition's main path for `messaging.deferred` with its attempt count
 * and next attempt time (exponential backoff with full jitter), and the partition moves on: later
 * messages of the same key are parked behind it (this member knows its partitions' deferred keys,
 * see `prepare`, so the main path costs no query per message and other keys keep flowing),
 * and this member's retry loop — or any member's of the group, after a restart — runs it when due.
 * When it succeeds or is dead-lettered, the next message of its key becomes due.
 */
export class DurableDelivery {
  private running = false;
  private loop?: Promise<void>;
  private readonly wakeup = new Wakeup();
  private unsubscribe?: () => void;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly concurrency: number;
  private readonly holding = new Set<string>();
  private readonly partitions = new Map<string, { keys: Set<string>; loadedAt: number }>();
  private readonly revalidateMs: number;

  constructor(private readonly options: DurableDeliveryOptions) {
    this.pollIntervalMs = Math.min(options.pollIntervalMs ?? 250, 1_000);
    this.leaseMs = options.leaseMs ?? 15_000;
    this.concurrency = options.concurrency ?? 8;
    this.revalidateMs = options.revalidateMs ?? 2_000;
  }

  /**
   * Makes sure this member knows which keys of a partition have deferred messages before handling a
   * batch of it: loaded from the table when the partition is new to it (see `forget`) or its
   * knowledge is older than `revalidateMs`, and kept up to date in between by this member's own
   * deferrals. Stale knowledge is safe: a key no longer deferred only makes a message take the
   * deferred path (due at once); a key deferred elsewhere meanwhile can only be a redrive.
   */
  async prepare(topic: string, partition: number): Promise<void> {
    const slot = slotOf(topic, partition);
    const known = this.partitions.get(slot);
    if (known && Date.now() - known.loadedAt < this.revalidateMs) return;
    const loadedAt = Date.now();
    const rows = await this.options.dataSource.query<{ key: string }[]>(
      `SELECT DISTINCT key FROM messaging.deferred WHERE group_id = $1 AND topic = $2 AND partition = $3`,
      [this.options.group, topic, partition],
    );
    this.partitions.set(slot, { keys: new Set(rows.map((r) => r.key)), loadedAt });
  }

  /** Drops what this member knew of a partition (or of all): it was (re)assigned, so another member may have deferred meanwhile. */
  forget(topic?: string, partition?: number): void {
    if (topic === undefined || partition === undefined) this.partitions.clear();
    else this.partitions.delete(slotOf(topic, partition));
  }

  /**
   * Handles one message on its partition's main path: parked if its key has deferred messages,
   * otherwise run once; a retryable failure is deferred, any other goes to the dead letters.
   * Throws only when the database cannot record the outcome (the caller then holds the partition).
   */
  async deliver(message: InboundMessage): Promise<void> {
    const { dataSource, group } = this.options;
    await this.prepare(message.topic, message.partition);
    const blocked = this.partitions.get(slotOf(message.topic, message.partition))!.keys;
    if (blocked.has(message.key)) {
      await dataSource.transaction((manager) => deferMessage(manager, group, message, { attempts: 0, dueInMs: 0 }));
      return;
    }
    const started = performance.now();
    try {
      await this.options.run(message, 1);
      this.observe(message, 'ok', started);
    } catch (error) {
      const policy = retryPolicyOf(error, this.options.retry);
      if (!isRetryable(error) || policy.maxAttempts <= 1) {
        this.observe(message, 'dead_letter', started);
        this.logger.error(`${where(message)} dead-lettered after 1 attempt: ${describeError(error).code}`);
        await recordDeadLetter(dataSource, deadLetterOf(group, message, error, 1));
        return;
      }
      this.observe(message, 'retry', started);
      this.logger.warn(`${where(message)} failed (attempt 1), retrying later: ${describeError(error).message}`);
      const dueInMs = backoffDelay(policy, 1);
      await dataSource.transaction((manager) => deferMessage(manager, group, message, { attempts: 1, dueInMs, error }));
      blocked.add(message.key);
    }
  }

  /**
   * Handles a run of one partition's messages, batch-first: the messages of keys with deferred
   * messages are parked behind them (in one transaction), the others go to the topic's batch
   * handler at once. When the topic has no batch handler, or the batch fails — a message its
   * handler refuses, or anything else — the batch did nothing, and its messages are delivered one by
   * one (`deliver`): a failing message alone is deferred or dead-lettered, its batch-mates are
   * handled, and per-key order holds. One by one, it stops when `stillOwned` turns false (shutdown,
   * the partition lost) and returns how many messages, from the first, are done: the caller commits
   * up to there. Throws only when the database cannot record an outcome (the caller then holds the
   * partition and delivers the run again: every handler is idempotent).
   */
  async deliverAll(messages: readonly InboundMessage[], stillOwned: () => boolean = () => true): Promise<number> {
    const done = new Set<InboundMessage>();
    const { runBatch } = this.options;
    if (runBatch && messages.length > 1) {
      const [{ topic, partition }] = messages;
      await this.prepare(topic, partition);
      const blocked = this.partitions.get(slotOf(topic, partition))!.keys;
      const parked = messages.filter((m) => blocked.has(m.key));
      const runnable = messages.filter((m) => !blocked.has(m.key));
      if (parked.length > 0) await this.park(parked);
      parked.forEach((m) => done.add(m));
      if (runnable.length === 0 || (await this.tryBatch(runBatch, runnable))) return messages.length;
    }
    for (const [i, message] of messages.entries()) {
      if (done.has(message)) continue;
      if (!stillOwned()) return i;
      await this.deliver(message);
    }
    return messages.length;
  }

  /** Runs the batch handler; true when it handled every message, false when the messages must go one by one. */
  private async tryBatch(runBatch: NonNullable<DurableDeliveryOptions['runBatch']>, messages: readonly InboundMessage[]): Promise<boolean> {
    const started = performance.now();
    try {
      if (!(await runBatch(messages))) return false;
    } catch (error) {
      this.logger.warn(`${where(messages[0])}+${messages.length}: the batch failed (${describeError(error).code}); delivering its messages one by one`);
      return false;
    }
    const seconds = (performance.now() - started) / 1000 / messages.length;
    for (const message of messages) this.options.observer?.observe(message.topic, this.options.group, 'ok', seconds);
    return true;
  }

  /** Parks messages behind their keys' deferred ones, in one transaction. */
  private async park(messages: readonly InboundMessage[]): Promise<void> {
    // Key locks taken in key order (a stable sort keeps each key's messages in order): two parking
    // transactions never wait on each other in a cycle.
    const byKey = [...messages].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    await this.options.dataSource.transaction(async (manager) => {
      for (const message of byKey) await deferMessage(manager, this.options.group, message, { attempts: 0, dueInMs: 0 });
    });
  }

  /** Starts this member's retry loop. */
  start(): void {
    if (this.running || this.options.topics.length === 0) return;
    this.running = true;
    this.unsubscribe = commitSignal.subscribe(deferredChannel(this.options.group), () => this.wakeup.signal());
    this.loop = this.runLoop();
  }

  /** Stops claiming retries and waits for the ones in hand. */
  async close(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unsubscribe?.();
    this.wakeup.signal();
    await this.loop;
  }

  private get logger(): LoggerService {
    return this.options.logger;
  }

  /** Claims due retries while there is room, each running on its own: a slow one never holds the others. */
  private async runLoop(): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    const renewal = setInterval(
      () => void this.renewLeases().catch((error) => this.logger.warn(`Could not renew retry leases: ${describeError(error).message}`)),
      this.leaseMs / 3,
    );
    try {
      await this.claimWhileRunning(inFlight);
    } finally {
      await Promise.allSettled(inFlight);
      clearInterval(renewal);
    }
  }

  /** Keeps the leases of the retries in hand alive, so only a dead member's retries move on. */
  private async renewLeases(): Promise<void> {
    const ids = [...this.holding];
    if (ids.length === 0) return;
    await this.options.dataSource
      .query(
        `WITH r AS (
           UPDATE messaging.deferred SET lease_until = now() + make_interval(secs => $3::float8)
            WHERE id = ANY($1::bigint[]) AND lease_owner = $2 RETURNING 1
         ) SELECT count(*) AS n FROM r`,
        [ids, this.options.memberId, this.leaseMs / 1000],
      )
      .catch((error) => this.logger.warn(`Could not renew retry leases: ${describeError(error).message}`));
  }

  private async claimWhileRunning(inFlight: Set<Promise<void>>): Promise<void> {
    while (this.running) {
      let claimed: DeferredRow[] = [];
      const room = this.concurrency - inFlight.size;
      if (room > 0) {
        try {
          claimed = await this.claimDue(room);
        } catch (error) {
          this.logger.warn(`Could not look for due retries: ${describeError(error).message}`);
        }
      }
      for (const row of claimed) {
        this.holding.add(row.id);
        const running: Promise<void> = this.retry(row).finally(() => {
          this.holding.delete(row.id);
          inFlight.delete(running);
          this.wakeup.signal();
        });
        inFlight.add(running);
      }
      if (claimed.length === 0) await this.wakeup.wait(this.pollIntervalMs);
    }
  }

  /** Leases the due heads of this member's topics (any member of the group may take any of them). */
  private claimDue(limit: number): Promise<DeferredRow[]> {
    return this.options.dataSource.query<DeferredRow[]>(
      `WITH due AS (
         SELECT id FROM messaging.deferred
          WHERE group_id = $1 AND topic = ANY($2::text[]) AND next_attempt_at <= now()
            AND (lease_until IS NULL OR lease_until < now())
          ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE messaging.deferred d
            SET lease_owner = $4, lease_until = now() + make_interval(secs => $5::float8), attempts = d.attempts + 1
           FROM due WHERE d.id = due.id
         RETURNING d.id, d.key, d.topic, d.partition, d."offset", d.message_id, d.tenant_id, d.envelope, d.attempts, d.dead_letter_id
       ) SELECT * FROM claimed`,
      [this.options.group, [...this.options.topics], limit, this.options.memberId, this.leaseMs / 1000],
    );
  }

  private async retry(row: DeferredRow): Promise<void> {
    const message: InboundMessage = {
      topic: row.topic,
      partition: row.partition,
      offset: row.offset,
      key: row.key,
      messageId: row.message_id,
      tenantId: row.tenant_id,
      envelope: row.envelope,
    };
    const started = performance.now();
    try {
      try {
        await this.options.run(message, row.attempts);
      } catch (error) {
        const policy = retryPolicyOf(error, this.options.retry);
        if (!isRetryable(error) || row.attempts >= policy.maxAttempts) {
          this.observe(message, 'dead_letter', started);
          this.logger.error(`${where(message)} dead-lettered after ${row.attempts} attempt(s): ${describeError(error).code}`);
          await this.finish(row, message, error);
          return;
        }
        this.observe(message, 'retry', started);
        this.logger.warn(`${where(message)} failed (attempt ${row.attempts}), retrying later: ${describeError(error).message}`);
        await this.reschedule(row, backoffDelay(policy, row.attempts), error);
        return;
      }
      this.observe(message, 'ok', started);
      await this.finish(row, message);
    } catch (error) {
      // The outcome could not be recorded: the lease runs out and the retry is claimed again.
      this.logger.warn(`Could not record the outcome of ${where(message)}: ${describeError(error).message}`);
    }
  }

  private async reschedule(row: DeferredRow, dueInMs: number, error: unknown): Promise<void> {
    const { code, message } = describeError(error);
    await this.options.dataSource.query(
      `WITH r AS (
         UPDATE messaging.deferred
            SET next_attempt_at = now() + make_interval(secs => $3::float8), lease_owner = NULL, lease_until = NULL,
                error_code = $4, error_message = $5
          WHERE id = $1 AND lease_owner = $2 RETURNING 1
       ) SELECT count(*) AS n FROM r`,
      [row.id, this.options.memberId, dueInMs / 1000, code, message.slice(0, 2000)],
    );
  }

  /** Removes a finished retry (dead-lettering it if `error`) and makes the next message of its key due. */
  private async finish(row: DeferredRow, message: InboundMessage, error?: unknown): Promise<void> {
    const { group, memberId } = this.options;
    await this.options.dataSource.transaction(async (manager) => {
      await lockKey(manager, group, row.key);
      const gone = await manager.query<{ id: string }[]>(
        `WITH gone AS (DELETE FROM messaging.deferred WHERE id = $1 AND lease_owner = $2 RETURNING id) SELECT id FROM gone`,
        [row.id, memberId],
      );
      if (gone.length === 0) return; // the lease ran out and another member has it now
      if (error !== undefined) {
        await recordDeadLetter(manager, deadLetterOf(group, message, error, row.attempts));
      } else if (row.dead_letter_id) {
        await manager.query(
          `WITH r AS (UPDATE messaging.dead_letters SET status = 'resolved', updated_at = now() WHERE id = $1 AND status = 'redriven' RETURNING 1)
           SELECT count(*) AS n FROM r`,
          [row.dead_letter_id],
        );
      }
      await promoteNext(manager, group, row.key);
      commitSignal.afterCommit(manager, deferredChannel(group));
    });
  }

  private observe(message: InboundMessage, outcome: DeliveryOutcome, started: number): void {
    this.options.observer?.observe(message.topic, this.options.group, outcome, (performance.now() - started) / 1000);
  }
}

const slotOf = (topic: string, partition: number) => `${topic}#${partition}`;

const where = (m: InboundMessage) => `${m.topic}#${m.partition}@${m.offset}`;

const deadLetterOf = (group: string, message: InboundMessage, error: unknown, attempts: number) => ({
  group,
  topic: message.topic,
  partition: message.partition,
  offset: message.offset,
  messageId: message.messageId,
  tenantId: message.tenantId,
  key: message.key,
  envelope: message.envelope,
  error,
  attempts,
});
