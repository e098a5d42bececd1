import type { LoggerService } from '@nestjs/common';
import { BaseRpcContext } from '@nestjs/microservices';
import { commitSignal } from '@tributary/database';
import { TributaryError } from '@tributary/domain';
import type { DataSource } from 'typeorm';
import { expiresAtOf, notBeforeOf, priorityOf, type QueueAttributes } from '../envelope/queue-headers.js';
import { Wakeup } from '../postgres/wakeup.js';
import { backoffDelay, describeError, isRetryable, retryPolicyOf, type RetryPolicy } from '../retry-policy.js';
import { recordDeadLetter } from './dead-letters.js';
import { DeferredMessages, deferredChannel, type DeferredRow } from './deferred-messages.js';
import { isHeldUnsettled, SETTLED } from './settlements.js';
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
   * Verifies a message without handling it (throws as `run` would): a message that expired is
   * checked before it is dead-lettered as `expired`, so a forged one is recorded as what it is.
   */
  readonly verify?: (message: InboundMessage) => void;
  /**
   * The batch-first path: verifies a run of one partition's messages and hands them to their
   * topic's batch handler, all or nothing; false when the topic has none (see `deliverAll`). A
   * failure that names the messages whose runs failed is a `BatchRunsFailed`.
   */
  readonly runBatch?: (messages: readonly InboundMessage[]) => Promise<boolean>;
}


/**
 * What a batch handler throws when it knows which messages' runs failed: nothing of the batch was
 * written, and each failure's message had its first attempt in the batch and failed it with `error`
 * (carrying its handler's retry policy, see `withRetryPolicy`) — the other messages did not fail.
 * `deliverAll` then records those failures as one-by-one delivery records a failed first attempt,
 * without running their handlers again, and delivers the other messages one by one.
 */
export class BatchRunsFailed extends TributaryError {
  constructor(readonly failures: ReadonlyArray<{ readonly messageId: string; readonly error: unknown }>) {
    super('internal', 'batch_runs_failed', `${failures.length} run(s) of the batch failed: ${failures.map((f) => describeError(f.error).code).join(', ')}`);
    this.name = 'BatchRunsFailed';
  }
}

/** A message's first attempt: when it started and, if it failed, with what. */
interface FirstAttempt {
  readonly started: number;
  readonly failure?: { readonly error: unknown };
}

/** What a batch handler (`@OnMessages`) can learn about its batch (`@Ctx() ctx: MessageBatchContext`): every message is a first delivery. */
export class MessageBatchContext extends BaseRpcContext<[readonly InboundMessage[]]> {
  get messages(): readonly InboundMessage[] {
    return this.args[0];
  }
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
  private readonly deferred: DeferredMessages;
  /** The priority (above 0) of the message each partition of this member is handling or about to (see `awaitTurn`). */
  private readonly ready = new Map<string, number>();
  private readonly turns = new Wakeup();

  constructor(private readonly options: DurableDeliveryOptions) {
    this.pollIntervalMs = Math.min(options.pollIntervalMs ?? 250, 1_000);
    this.leaseMs = options.leaseMs ?? 15_000;
    this.concurrency = options.concurrency ?? 8;
    this.revalidateMs = options.revalidateMs ?? 2_000;
    this.deferred = new DeferredMessages(options.dataSource, options.group, options.memberId, this.leaseMs);
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
    this.partitions.set(slot, { keys: await this.deferred.keysOf(topic, partition), loadedAt });
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
    await this.deliverFirst(message);
  }

  /**
   * `deliver`; for a message whose first attempt already ran and failed in a batch (`tried`), that
   * failure is recorded as `deliver` records its own, without running the handler again. Should its
   * key have been deferred meanwhile (an earlier message of it, fine in the batch, failing on its
   * redelivery), it is parked behind, to run from attempt 1 again: order first.
   */
  private async deliverFirst(message: InboundMessage, tried?: FirstAttempt): Promise<void> {
    await this.prepare(message.topic, message.partition);
    const blocked = this.partitions.get(slotOf(message.topic, message.partition))!.keys;
    if (blocked.has(message.key)) {
      await this.deferred.park([message]);
      return;
    }
    if (!tried) {
      const gate = gateOf(message);
      if (gate === 'expired') return this.expire(message);
      if (gate !== 'run') {
        await this.deferred.defer(message, { attempts: 0, dueInMs: gate.holdMs });
        blocked.add(message.key);
        return;
      }
    }
    const { started, failure } = tried ?? (await this.attemptFirst(message));
    if (!failure) {
      this.observe(message, 'ok', started);
      return;
    }
    const { error } = failure;
    if (isHeldUnsettled(error)) {
      // Its handler's transaction put it in messaging.deferred (held unsettled): its key waits behind it there.
      // Deferring it again could revive it after a settlement that landed meanwhile had it finished.
      this.observe(message, 'retry', started);
      blocked.add(message.key);
      return;
    }
    const policy = retryPolicyOf(error, this.options.retry);
    if (!isRetryable(error) || policy.maxAttempts <= 1) {
      this.observe(message, 'dead_letter', started);
      this.logger.error(`${where(message)} dead-lettered after 1 attempt: ${describeError(error).code}`);
      await recordDeadLetter(this.options.dataSource, deadLetterOf(this.options.group, message, error, 1));
      return;
    }
    this.observe(message, 'retry', started);
    this.logger.warn(`${where(message)} failed (attempt 1), retrying later: ${describeError(error).message}`);
    await this.deferred.defer(message, { attempts: 1, dueInMs: backoffDelay(policy, 1), error });
    blocked.add(message.key);
  }

  /** Dead-letters a message past its expiry, never handing it to a handler (`attempts`: those it had before). */
  private async expire(message: InboundMessage, attempts = 0, row?: DeferredRow): Promise<void> {
    let error: unknown = new TributaryError('invalid', 'expired', `Message expired at ${String((message.envelope as QueueAttributes).expires)} before it was handled`);
    try {
      this.options.verify?.(message);
    } catch (invalid) {
      error = invalid;
    }
    this.observe(message, 'dead_letter', performance.now());
    this.logger.warn(`${where(message)} dead-lettered without being handled: ${describeError(error).code}`);
    const letter = deadLetterOf(this.options.group, message, error, attempts);
    if (row) await this.deferred.finish(row, letter);
    else await recordDeadLetter(this.options.dataSource, letter);
  }

  private async attemptFirst(message: InboundMessage): Promise<FirstAttempt> {
    const started = performance.now();
    try {
      await this.options.run(message, 1);
      return { started };
    } catch (error) {
      return { started, failure: { error } };
    }
  }

  /**
   * Handles a run of one partition's messages, batch-first: the messages of keys with deferred
   * messages are parked behind them (in one transaction), the others go to the topic's batch
   * handler at once. When the topic has no batch handler, or the batch fails — a message its
   * handler refuses, or anything else — the batch did nothing, and its messages are delivered one by
   * one (`deliver`): a failing message alone is deferred or dead-lettered, its batch-mates are
   * handled, and per-key order holds. A message the batch names as failed (`BatchRunsFailed`) had
   * its first attempt there: in its turn, that failure is recorded (deferred for attempt 2, or
   * dead-lettered) without running it again, and later messages of its key are parked behind it.
   * One by one, it stops when `stillOwned` turns false (shutdown, the partition lost) and returns
   * how many messages, from the first, are done: the caller commits up to there; `between` runs
   * after each (a Kafka member's heartbeat). Throws only when the database cannot record an outcome
   * (the caller then holds the partition and delivers the run again: every handler is idempotent).
   */
  async deliverAll(messages: readonly InboundMessage[], stillOwned: () => boolean = () => true, between?: () => Promise<void>): Promise<number> {
    if (!stillOwned()) return 0;
    const done = new Set<InboundMessage>();
    let tried = new Map<InboundMessage, FirstAttempt>();
    const { runBatch } = this.options;
    if (runBatch && messages.length > 1) {
      const [{ topic, partition }] = messages;
      await this.prepare(topic, partition);
      const blocked = this.partitions.get(slotOf(topic, partition))!.keys;
      const { parked, held, expired, runnable, later } = sortOut(messages, blocked);
      // A held message becomes its key's head before the key's later messages park behind it.
      for (const { message, holdMs } of held) await this.deferred.defer(message, { attempts: 0, dueInMs: holdMs });
      held.forEach(({ message }) => blocked.add(message.key));
      if (parked.length > 0) await this.deferred.park(parked);
      for (const message of expired) await this.expire(message);
      [...parked, ...held.map((h) => h.message), ...expired].forEach((m) => done.add(m));
      if (runnable.length > 0) {
        const batch = await this.tryBatch(runBatch, byPriority(runnable));
        if (batch.handled) runnable.forEach((m) => done.add(m));
        else tried = batch.failed;
      }
      if (later.length === 0 && runnable.every((m) => done.has(m))) return messages.length;
    }
    // Higher priority first among the keys' heads; a message done out of log order counts once
    // every message before it is done (what is reported is the prefix the caller commits).
    const ordered = byPriority(messages);
    const slot = slotOf(messages[0].topic, messages[0].partition);
    const waitUntil = Date.now() + PRIORITY_WAIT_MS;
    try {
      for (const message of ordered) {
        if (done.has(message)) continue;
        if (!stillOwned()) return donePrefix(messages, done);
        await this.awaitTurn(slot, priorityOf(message.envelope), waitUntil, stillOwned, between);
        await this.deliverFirst(message, tried.get(message));
        done.add(message);
        await between?.();
      }
    } finally {
      this.setReady(slot, 0);
    }
    return messages.length;
  }

  /**
   * Priority across this member's partitions: a partition about to handle a message of priority
   * above 0 says so, and one whose next message has a lower priority waits (until `until`: a run
   * waits at most `PRIORITY_WAIT_MS` in all, running `between` meanwhile) while another partition of
   * this member has a higher one ready or in hand. Costs nothing while no message has a priority.
   */
  private async awaitTurn(slot: string, priority: number, until: number, stillOwned: () => boolean, between?: () => Promise<void>): Promise<void> {
    this.setReady(slot, priority);
    if (this.ready.size === 0) return;
    while (this.higherThan(slot, priority) && stillOwned() && Date.now() < until) {
      await this.turns.wait(Math.min(500, Math.max(1, until - Date.now())));
      await between?.();
    }
  }

  private setReady(slot: string, priority: number): void {
    const was = this.ready.get(slot) ?? 0;
    if (was === priority) return;
    if (priority > 0) this.ready.set(slot, priority);
    else this.ready.delete(slot);
    if (priority < was) this.turns.signal();
  }

  private higherThan(slot: string, priority: number): boolean {
    for (const [other, p] of this.ready) if (other !== slot && p > priority) return true;
    return false;
  }

  /**
   * Runs the batch handler: whether it handled every message, and if not, the messages it names as
   * failed (`BatchRunsFailed`) with their failed first attempts — the others must go one by one.
   */
  private async tryBatch(
    runBatch: NonNullable<DurableDeliveryOptions['runBatch']>,
    messages: readonly InboundMessage[],
  ): Promise<{ handled: boolean; failed: Map<InboundMessage, FirstAttempt> }> {
    const started = performance.now();
    try {
      if (!(await runBatch(messages))) return { handled: false, failed: new Map() };
    } catch (error) {
      const failed = failedRunsOf(error, messages, started);
      this.logger.warn(
        `${where(messages[0])}+${messages.length}: the batch failed (${describeError(error).code}); delivering its messages one by one` +
          (failed.size > 0 ? `, ${failed.size} of them after their failed first attempt` : ''),
      );
      return { handled: false, failed };
    }
    const seconds = (performance.now() - started) / 1000 / messages.length;
    for (const message of messages) this.options.observer?.observe(message.topic, this.options.group, 'ok', seconds);
    return { handled: true, failed: new Map() };
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
      () => void this.deferred.renew([...this.holding]).catch((error) => this.logger.warn(`Could not renew retry leases: ${describeError(error).message}`)),
      this.leaseMs / 3,
    );
    try {
      await this.claimWhileRunning(inFlight);
    } finally {
      await Promise.allSettled(inFlight);
      clearInterval(renewal);
    }
  }

  private async claimWhileRunning(inFlight: Set<Promise<void>>): Promise<void> {
    while (this.running) {
      let claimed: DeferredRow[] = [];
      const room = this.concurrency - inFlight.size;
      if (room > 0) {
        try {
          claimed = await this.deferred.claimDue(this.options.topics, room);
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
      // A message its settlement decided (acked, rejected) is delivered to carry that out, whatever its expiry.
      const gate = row.error_code === SETTLED ? 'run' : gateOf(message);
      if (gate === 'expired') return await this.expire(message, row.attempts - 1, row);
      if (gate !== 'run') return await this.deferred.hold(row, gate.holdMs);
      try {
        await this.options.run(message, row.attempts);
      } catch (error) {
        if (isHeldUnsettled(error)) {
          // Held again by its handler's transaction (lease released): a settlement or its deadline moves it, not this attempt.
          this.observe(message, 'retry', started);
          return;
        }
        const policy = retryPolicyOf(error, this.options.retry);
        if (!isRetryable(error) || row.attempts >= policy.maxAttempts) {
          this.observe(message, 'dead_letter', started);
          this.logger.error(`${where(message)} dead-lettered after ${row.attempts} attempt(s): ${describeError(error).code}`);
          await this.deferred.finish(row, deadLetterOf(this.options.group, message, error, row.attempts));
          return;
        }
        this.observe(message, 'retry', started);
        this.logger.warn(`${where(message)} failed (attempt ${row.attempts}), retrying later: ${describeError(error).message}`);
        await this.deferred.reschedule(row, backoffDelay(policy, row.attempts), error);
        return;
      }
      this.observe(message, 'ok', started);
      await this.deferred.finish(row);
    } catch (error) {
      // The outcome could not be recorded: the lease runs out and the retry is claimed again.
      this.logger.warn(`Could not record the outcome of ${where(message)}: ${describeError(error).message}`);
    }
  }

  private observe(message: InboundMessage, outcome: DeliveryOutcome, started: number): void {
    this.options.observer?.observe(message.topic, this.options.group, outcome, (performance.now() - started) / 1000);
  }
}

const slotOf = (topic: string, partition: number) => `${topic}#${partition}`;

/** The longest a run of a partition waits, in all, for higher-priority messages of this member's other partitions (see `awaitTurn`). */
const PRIORITY_WAIT_MS = 5_000;

/**
 * What a message's queue headers say to do with it now: run it, hold it until its not-before time,
 * or dead-letter it as expired. Two property reads for a message without them.
 */
function gateOf(message: InboundMessage, now = Date.now()): 'run' | 'expired' | { readonly holdMs: number } {
  const envelope = message.envelope as QueueAttributes | null;
  if (envelope === null || typeof envelope !== 'object' || (envelope.expires === undefined && envelope.notbefore === undefined)) return 'run';
  const expiresAt = expiresAtOf(envelope);
  if (expiresAt !== undefined && expiresAt <= now) return 'expired';
  const notBefore = notBeforeOf(envelope);
  if (notBefore !== undefined && notBefore > now) return { holdMs: notBefore - now };
  return 'run';
}

/**
 * A batch's messages: parked behind their keys, held until their not-before time (and their keys'
 * later ones parked), expired, to run now in the batch, or — a message not yet due behind an earlier
 * one of its key in the batch, and the key's messages after it — `later`, one by one once the batch
 * is done (holding it now would let it pass its key's earlier message should the batch fail).
 */
function sortOut(messages: readonly InboundMessage[], blocked: ReadonlySet<string>) {
  const parked: InboundMessage[] = [];
  const held: Array<{ message: InboundMessage; holdMs: number }> = [];
  const expired: InboundMessage[] = [];
  const runnable: InboundMessage[] = [];
  const later: InboundMessage[] = [];
  const holding = new Set<string>();
  const running = new Set<string>();
  const waiting = new Set<string>();
  const now = Date.now();
  for (const message of messages) {
    if (blocked.has(message.key) || holding.has(message.key)) {
      parked.push(message);
      continue;
    }
    if (waiting.has(message.key)) {
      later.push(message);
      continue;
    }
    const gate = gateOf(message, now);
    if (gate === 'run') {
      runnable.push(message);
      running.add(message.key);
    } else if (gate === 'expired') {
      expired.push(message);
    } else if (running.has(message.key)) {
      later.push(message);
      waiting.add(message.key);
    } else {
      held.push({ message, holdMs: gate.holdMs });
      holding.add(message.key);
    }
  }
  return { parked, held, expired, runnable, later };
}

/**
 * The messages of a window in the order to handle them: repeatedly the highest-priority message
 * among the first (not yet taken) messages of each key, ties in log order — so priority orders
 * across keys and never within one. As given when none has a priority.
 */
export function byPriority<T extends Pick<InboundMessage, 'key' | 'envelope'>>(messages: readonly T[]): readonly T[] {
  let prioritized = false;
  for (const message of messages) {
    if (priorityOf(message.envelope) !== 0) {
      prioritized = true;
      break;
    }
  }
  if (!prioritized) return messages;
  const queues = new Map<string, T[]>();
  for (const message of messages) {
    const queue = queues.get(message.key);
    if (queue) queue.push(message);
    else queues.set(message.key, [message]);
  }
  const index = new Map(messages.map((m, i) => [m, i]));
  const ordered: T[] = [];
  while (ordered.length < messages.length) {
    let best: T[] | undefined;
    for (const queue of queues.values()) {
      if (queue.length === 0) continue;
      if (!best) {
        best = queue;
        continue;
      }
      const [a, b] = [queue[0], best[0]];
      const pa = priorityOf(a.envelope);
      const pb = priorityOf(b.envelope);
      if (pa > pb || (pa === pb && index.get(a)! < index.get(b)!)) best = queue;
    }
    ordered.push(best!.shift()!);
  }
  return ordered;
}

/** How many of `messages`, from the first, are done. */
function donePrefix(messages: readonly InboundMessage[], done: ReadonlySet<InboundMessage>): number {
  let n = 0;
  while (n < messages.length && done.has(messages[n])) n++;
  return n;
}

/** The messages of a failed batch whose runs failed, by `BatchRunsFailed`; a message id seen twice is its first delivery's (the one that ran). */
function failedRunsOf(error: unknown, messages: readonly InboundMessage[], started: number): Map<InboundMessage, FirstAttempt> {
  const failed = new Map<InboundMessage, FirstAttempt>();
  if (!(error instanceof BatchRunsFailed)) return failed;
  for (const { messageId, error: cause } of error.failures) {
    const message = messages.find((m) => m.messageId === messageId);
    if (message && !failed.has(message)) failed.set(message, { started, failure: { error: cause } });
  }
  return failed;
}

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
