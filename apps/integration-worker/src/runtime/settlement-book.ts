import { createHash, randomBytes } from 'node:crypto';
import { TributaryError } from '@tributary/domain';
import {
  backoffDelay,
  heldUnsettled,
  type Inbox,
  type MessagePublisher,
  NonRetryable,
  Settlements,
  withRetryPolicy,
  type Envelope,
  type HeldDelivery,
  type OutgoingMessage,
  type RetryPolicy,
} from '@tributary/messaging';
import type { DataSource, EntityManager } from 'typeorm';
import type { SettledState, SettleOutcome } from '../sdk/integration-handler.js';
import type { SettlementState } from './settlement.entity.js';
import type { RunRecorder } from './run-recorder.js';

/** What a run that settles later knows of itself (see `RunContext`). */
export interface SettlingRun {
  readonly tenantId: string;
  readonly consumer: string;
  readonly integration: string;
  readonly method: string;
  readonly actionId?: string;
  readonly runId: string;
  readonly envelope: Envelope;
  readonly attempt: number;
  readonly delivery: HeldDelivery;
}

interface SettlementRow {
  token_hash: string;
  tenant_id: string;
  group_id: string;
  consumer: string;
  integration: string;
  method: string;
  run_id: string;
  message_id: string;
  key: string;
  envelope: Envelope;
  attempt: number;
  deadline: Date;
  state: SettlementState;
  reason: string | null;
  outputs: number;
  created_at: Date;
  settled_at: Date | null;
}

/** What the runtime lends the book: a route's retry policy and what an ack of it publishes. */
export interface SettlementRoutes {
  policyOf(integration: string, method: string): RetryPolicy;
  outgoingOf(integration: string, method: string, envelope: Envelope, output: object): OutgoingMessage[];
}

/** The hold a run ended on: not an error of the message — it waits for its settlement (or deadline). */
export class SettlementPending extends TributaryError {
  constructor(deadlineMs: number) {
    super('unavailable', 'settlement_pending', `Held unsettled for at most ${deadlineMs} ms`);
    this.name = 'SettlementPending';
    // Its retry is the hold itself (see Settlements.hold): the transport records nothing more of the attempt.
    withRetryPolicy(heldUnsettled(this), { maxAttempts: Number.MAX_SAFE_INTEGER, baseDelayMs: deadlineMs, maxDelayMs: deadlineMs });
  }
}

/** What a run does about an earlier attempt's settlement before its handler runs. */
export type BeforeRun = 'run' | 'handled';

const TOKEN = /^stl_[A-Za-z0-9_-]{43}$/;
const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/** What `worker.settlements` keeps of a token (its SHA-256), or undefined for what is no token. */
export const settlementTokenHash = (token: string): string | undefined => (TOKEN.test(token) ? hashOf(token) : undefined);
const same = (state: SettlementState, outcome: SettleOutcome['outcome']) =>
  (state === 'acked' && outcome === 'ack') || (state === 'nacked' && outcome === 'nack') || (state === 'rejected' && outcome === 'reject');

/**
 * Messages handlers settle later (`settleLater`, docs/integrations.md "Acknowledging later"): a
 * token per attempt in `worker.settlements` (its SHA-256; the token is 32 random bytes), the message
 * held in `messaging.deferred` until its deadline (see `Settlements`), and its settlement — ack
 * (the output published with the inbox claim, once), nack (due again after a backoff) or reject (a
 * dead letter `rejected` on its next delivery) — recorded with the run's outcome in one
 * transaction. Holding, settling and a redelivery's look at the settlement are serialized by the
 * key's lock, so an outcome is decided once whatever the order they come in.
 */
export class SettlementBook {
  private readonly settlements = new Settlements();

  constructor(
    private readonly dataSource: DataSource,
    private readonly inbox: Inbox,
    private readonly publisher: MessagePublisher,
    private readonly runs: RunRecorder,
    private readonly routes: SettlementRoutes,
  ) {}

  /** Opens a settlement for this attempt of the run (an earlier attempt's still pending lapses): its token. */
  async open(run: SettlingRun, deadlineMs: number): Promise<string> {
    const token = `stl_${randomBytes(32).toString('base64url')}`;
    await this.dataSource.transaction(async (db) => {
      await this.lapsePending(db, run.tenantId, run.consumer, run.envelope.id);
      // SQL: hot path, a settlement opened (one statement)
      await db.query(
        `INSERT INTO worker.settlements (token_hash, tenant_id, group_id, consumer, integration, method, action_id, run_id, message_id, topic,
                                         partition, "offset", key, envelope, attempt, deadline, state)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, now() + make_interval(secs => $16::float8), 'pending')`,
        [
          hashOf(token),
          run.tenantId,
          run.delivery.group,
          run.consumer,
          run.integration,
          run.method,
          run.actionId ?? null,
          run.runId,
          run.envelope.id,
          run.delivery.topic,
          run.delivery.partition,
          String(run.delivery.offset),
          run.delivery.key,
          JSON.stringify(run.envelope),
          run.attempt,
          deadlineMs / 1000,
        ],
      );
    });
    return token;
  }

  /**
   * The run's handler returned after `settleLater`: holds the message until its deadline and
   * records the run `pending` (then throws `SettlementPending`) — unless it was settled meanwhile:
   * acked (done: returns), nacked (a retryable `nacked`) or rejected (`rejected`, no retry).
   */
  async hold(run: SettlingRun, token: string, deadlineMs: number, durationMs: number): Promise<void> {
    const state = await this.dataSource.transaction(async (db) => {
      await this.settlements.lock(db, run.delivery.group, run.delivery.key);
      const row = await this.row(db, hashOf(token), run.tenantId, true);
      if (!row || row.state !== 'pending') return row;
      const dueInMs = Math.max(0, new Date(row.deadline).getTime() - Date.now());
      await this.settlements.hold(db, run.delivery, { attempts: run.attempt, dueInMs, code: 'settlement_pending', message: `Held until ${new Date(row.deadline).toISOString()}` });
      // SQL: hot path, the run's pending state (one statement)
      await db.query(`UPDATE worker.runs SET state = 'pending', duration_ms = $2 WHERE id = $1`, [run.runId, durationMs]);
      return row;
    });
    if (!state) throw new TributaryError('internal', 'settlement_not_found', 'The settlement of this run is gone');
    this.throwFor(state, run, deadlineMs);
  }

  /**
   * The attempt that opened the settlement of `token` failed (its handler threw, or its hold could
   * not be written): nothing is held, so the token is void — still pending, it lapses (a later
   * settle is 409) — and the message is retried as after any failure, the handler running again.
   */
  async abandon(run: Pick<SettlingRun, 'tenantId' | 'delivery'>, token: string): Promise<void> {
    await this.dataSource.transaction(async (db) => {
      await this.settlements.lock(db, run.delivery.group, run.delivery.key);
      const row = await this.row(db, hashOf(token), run.tenantId, true);
      if (row?.state !== 'pending') return;
      // SQL: a settlement lapsed with its failed attempt (one statement)
      await db.query(`UPDATE worker.settlements SET state = 'lapsed', reason = 'Its attempt failed', settled_at = now() WHERE token_hash = $1`, [row.token_hash]);
    });
  }

  private throwFor(row: SettlementRow, run: Pick<SettlingRun, 'integration' | 'method'>, deadlineMs: number): void {
    switch (row.state) {
      case 'pending':
        throw new SettlementPending(deadlineMs);
      case 'acked':
        return;
      case 'nacked':
        throw withRetryPolicy(new TributaryError('unavailable', 'nacked', row.reason ?? 'Nacked'), this.routes.policyOf(run.integration, run.method));
      case 'rejected':
        throw new NonRetryable('rejected', row.reason ?? 'Rejected');
      case 'lapsed':
        throw new TributaryError('unavailable', 'settlement_lapsed', 'Not settled before its deadline');
    }
  }

  /**
   * Before a run's handler: what an earlier attempt's settlement of this message decides. Rejected:
   * `rejected` (dead letter). Acked: handled (nothing to run). Still pending: held again until its
   * deadline when that is yet to come (`SettlementPending`), else lapsed — as nacked, the handler runs
   * again, unless the route's attempts are spent (`settlement_lapsed`, `nacked`: dead letter).
   */
  async beforeRun(run: Omit<SettlingRun, 'runId'>): Promise<BeforeRun> {
    // SQL: hot path, the newest settlement of the message for this consumer (an index scan)
    const [latest] = await this.dataSource.query<{ token_hash: string }[]>(
      `SELECT token_hash FROM worker.settlements WHERE consumer = $1 AND message_id = $2 AND tenant_id = $3 ORDER BY created_at DESC LIMIT 1`,
      [run.consumer, run.envelope.id, run.tenantId],
    );
    if (!latest) return 'run';
    const policy = this.routes.policyOf(run.integration, run.method);
    const row = await this.dataSource.transaction(async (db) => {
      await this.settlements.lock(db, run.delivery.group, run.delivery.key);
      const current = await this.row(db, latest.token_hash, run.tenantId, true);
      if (!current || current.state !== 'pending') return current;
      const left = new Date(current.deadline).getTime() - Date.now();
      if (left > 0) {
        await this.settlements.hold(db, run.delivery, { attempts: run.attempt, dueInMs: left, code: 'settlement_pending', message: 'Held until its deadline' });
        return current;
      }
      await this.lapse(db, current);
      return { ...current, state: 'lapsed' as const };
    });
    if (!row) return 'run';
    switch (row.state) {
      case 'pending':
        throw new SettlementPending(Math.max(1, new Date(row.deadline).getTime() - Date.now()));
      case 'acked':
        return 'handled';
      case 'rejected':
        throw new NonRetryable('rejected', row.reason ?? 'Rejected');
      case 'nacked':
      case 'lapsed':
        if (run.attempt > policy.maxAttempts) {
          throw new NonRetryable(row.state === 'nacked' ? 'nacked' : 'settlement_lapsed', `Not settled by attempt ${policy.maxAttempts} (its last)`);
        }
        return 'run';
    }
  }

  /**
   * Settles the message of `token` (of `tenantId`, or any tenant's for the platform admin: undefined).
   * Repeating the outcome already recorded is answered with it (`repeated`); another outcome, or a
   * settlement that lapsed, is a conflict `settlement_settled`.
   */
  async settle(tenantId: string | undefined, token: string, outcome: SettleOutcome): Promise<SettledState> {
    const notFound = () => new TributaryError('not_found', 'settlement_not_found', 'No such settlement token');
    if (!TOKEN.test(token)) throw notFound();
    const hash = hashOf(token);
    const found = await this.row(this.dataSource, hash, tenantId, false);
    if (!found) throw notFound();
    // What an ack publishes is checked before anything is written (a bad output: 400, nothing changed).
    const outgoing = outcome.outcome === 'ack' && outcome.output !== undefined ? this.routes.outgoingOf(found.integration, found.method, found.envelope, outcome.output) : [];
    const policy = this.routes.policyOf(found.integration, found.method);
    return this.dataSource.transaction(async (db) => {
      await this.settlements.lock(db, found.group_id, found.key);
      const row = (await this.row(db, hash, tenantId, true))!;
      if (row.state !== 'pending') {
        if (same(row.state, outcome.outcome)) return stateOf(row, true);
        throw new TributaryError('conflict', 'settlement_settled', `The message is settled already (${row.state})`, { state: row.state });
      }
      const reason = outcome.outcome === 'ack' ? null : (outcome.reason ?? null);
      const settled = { ack: 'acked', nack: 'nacked', reject: 'rejected' }[outcome.outcome] as SettlementState;
      const durationMs = Date.now() - new Date(row.created_at).getTime();
      if (outcome.outcome === 'ack') {
        if (!(await this.inbox.claim(db, row.consumer, row.message_id))) {
          throw new TributaryError('conflict', 'settlement_settled', 'The message was handled already', { state: row.state });
        }
        await this.publisher.publishAll(db, outgoing);
        // SQL: hot path, the run's end as the ack decided it (one statement)
        await db.query(`UPDATE worker.runs SET state = 'ok', outputs = $2, duration_ms = $3, finished_at = now() WHERE id = $1`, [row.run_id, outgoing.length, durationMs]);
      } else {
        // SQL: hot path, the run's end as the nack or reject decided it (one statement)
        await db.query(
          `UPDATE worker.runs SET state = 'fail', error_code = $2, error_message = $3, duration_ms = $4, finished_at = now() WHERE id = $1`,
          [row.run_id, outcome.outcome === 'nack' ? 'nacked' : 'rejected', (reason ?? (outcome.outcome === 'nack' ? 'Nacked' : 'Rejected')).slice(0, 2000), durationMs],
        );
      }
      // SQL: hot path, the settlement's outcome (one statement)
      const [updated] = await db.query<SettlementRow[]>(
        `WITH settled AS (UPDATE worker.settlements SET state = $2, reason = $3, outputs = $4, settled_at = now() WHERE token_hash = $1 RETURNING *)
         SELECT * FROM settled`,
        [hash, settled, reason?.slice(0, 500) ?? null, outgoing.length],
      );
      // Due again: at once (an ack's next delivery finds the inbox claimed; a reject's is dead-lettered), a nack after its backoff.
      await this.settlements.release(db, row.group_id, row.message_id, outcome.outcome === 'nack' ? backoffDelay(policy, row.attempt) : 0, outcome.outcome !== 'nack');
      return stateOf(updated, false);
    });
  }

  /** A settlement's state (as its token's tenant sees it). */
  async state(tenantId: string | undefined, token: string): Promise<SettledState | undefined> {
    if (!TOKEN.test(token)) return undefined;
    const row = await this.row(this.dataSource, hashOf(token), tenantId, false);
    return row && stateOf(row, false);
  }

  private async row(q: DataSource | EntityManager, hash: string, tenantId: string | undefined, lock: boolean): Promise<SettlementRow | undefined> {
    // SQL: hot path, a settlement by its token's hash (primary key), in its tenant
    const [row] = await q.query<SettlementRow[]>(
      `SELECT * FROM worker.settlements WHERE token_hash = $1 AND ($2::uuid IS NULL OR tenant_id = $2::uuid)${lock ? ' FOR UPDATE' : ''}`,
      [hash, tenantId ?? null],
    );
    return row;
  }

  /** The pending settlements of a message for a consumer lapse (a new attempt opens its own). */
  private async lapsePending(db: EntityManager, tenantId: string, consumer: string, messageId: string): Promise<void> {
    // SQL: hot path, the message's pending settlements (an index scan)
    const rows = await db.query<SettlementRow[]>(
      `SELECT * FROM worker.settlements WHERE consumer = $1 AND message_id = $2 AND tenant_id = $3 AND state = 'pending' FOR UPDATE`,
      [consumer, messageId, tenantId],
    );
    for (const row of rows) await this.lapse(db, row);
  }

  private async lapse(db: EntityManager, row: SettlementRow): Promise<void> {
    // SQL: hot path, a settlement lapsed and its run's end (two statements)
    await db.query(`UPDATE worker.settlements SET state = 'lapsed', settled_at = now() WHERE token_hash = $1`, [row.token_hash]);
    await db.query(
      `UPDATE worker.runs SET state = 'fail', error_code = 'settlement_lapsed', error_message = 'Not settled before its deadline', finished_at = now()
        WHERE id = $1 AND state = 'pending'`,
      [row.run_id],
    );
  }
}

function stateOf(row: SettlementRow, repeated: boolean): SettledState {
  return {
    state: row.state,
    messageId: row.message_id,
    integration: row.integration,
    method: row.method,
    attempt: row.attempt,
    deadline: new Date(row.deadline).toISOString(),
    settledAt: row.settled_at ? new Date(row.settled_at).toISOString() : null,
    reason: row.reason,
    outputs: row.outputs,
    repeated,
  };
}
