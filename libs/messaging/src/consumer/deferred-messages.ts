import { commitSignal, type Queryable } from '@tributary/database';
import type { DataSource } from 'typeorm';
import { describeError } from '../retry-policy.js';
import { recordDeadLetter } from './dead-letters.js';
import type { InboundMessage } from './durable-delivery.js';

/** A message waiting in `messaging.deferred`: a retry, or a later message of its key parked behind one. */
export interface DeferredRow {
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
  /** Why it waits (its last failure's code; `SETTLED` once a settlement decided its end). */
  error_code: string | null;
}

// A message's priority as the retry loop orders by it: a number from its envelope, 0 when absent or ill-formed (never an error).
const PRIORITY = `CASE WHEN jsonb_typeof(envelope->'priority') = 'number' THEN (envelope->>'priority')::numeric ELSE 0 END`;

/** How many of the longest-due retries the retry loop orders by priority when it claims (see `claimDue`). */
export const RETRY_WINDOW = 100;

/** The in-process wake-up of a group's retry loop (see `commitSignal`). */
export const deferredChannel = (group: string): string => `deferred:${group}`;

/**
 * Serializes, per key, the writers of `messaging.deferred` (the main path parking a message, a
 * retry finishing and promoting the next one, a redrive), so a message is never parked behind a
 * head that is being removed at the same moment — it would wait forever.
 */
export async function lockKey(q: Queryable, group: string, key: string): Promise<void> {
  // SQL: an advisory lock (no ORM form)
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
  // SQL: deferred statement of the hot path (insert-select behind the key's head, ON CONFLICT DO NOTHING)
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
  // SQL: deferred statement of the hot path (promote the key's next message)
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
 * The statements on `messaging.deferred` one member of a group makes: which keys of a partition
 * wait there, parking and deferring messages, leasing due retries, renewing, rescheduling and
 * finishing them (see `DurableDelivery`, the retry engine that decides when).
 */
export class DeferredMessages {
  constructor(
    private readonly dataSource: DataSource,
    private readonly group: string,
    private readonly memberId: string,
    private readonly leaseMs: number,
  ) {}

  /** The keys of a partition with messages waiting. */
  async keysOf(topic: string, partition: number): Promise<Set<string>> {
    // SQL: deferred statement of the hot path (the keys parked on a partition)
    const rows = await this.dataSource.query<{ key: string }[]>(
      `SELECT DISTINCT key FROM messaging.deferred WHERE group_id = $1 AND topic = $2 AND partition = $3`,
      [this.group, topic, partition],
    );
    return new Set(rows.map((r) => r.key));
  }

  /** Parks messages behind their keys' deferred ones (due at once if none is left), in one transaction. */
  async park(messages: readonly InboundMessage[]): Promise<void> {
    // Key locks taken in key order (a stable sort keeps each key's messages in order): two parking
    // transactions never wait on each other in a cycle.
    const byKey = [...messages].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    await this.dataSource.transaction(async (manager) => {
      for (const message of byKey) await deferMessage(manager, this.group, message, { attempts: 0, dueInMs: 0 });
    });
  }

  /** Defers a message that failed on the main path, or (attempts 0, no error) one held until its not-before time. */
  async defer(message: InboundMessage, state: { attempts: number; dueInMs: number; error?: unknown }): Promise<void> {
    await this.dataSource.transaction((manager) => deferMessage(manager, this.group, message, state));
  }

  /** Keeps the leases of the retries in hand alive, so only a dead member's retries move on. */
  async renew(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    // SQL: deferred statement of the hot path (lease renewal of many rows by id array)
    await this.dataSource.query(
      `WITH r AS (
         UPDATE messaging.deferred SET lease_until = now() + make_interval(secs => $3::float8)
          WHERE id = ANY($1::bigint[]) AND lease_owner = $2 RETURNING 1
       ) SELECT count(*) AS n FROM r`,
      [ids, this.memberId, this.leaseMs / 1000],
    );
  }

  /**
   * Leases the due heads of `topics` (any member of the group may take any of them): among the
   * `RETRY_WINDOW` longest due, the higher priority first (see `QueueAttributes.priority`), then the
   * longest due — a bounded window, so a large backlog of due retries costs no sort of all of it.
   */
  claimDue(topics: readonly string[], limit: number): Promise<DeferredRow[]> {
    // SQL: FOR UPDATE SKIP LOCKED in a CTE (no ORM form), the retries' lease
    return this.dataSource.query<DeferredRow[]>(
      `WITH due AS (
         SELECT id FROM messaging.deferred
          WHERE id IN (
                  SELECT id FROM messaging.deferred
                   WHERE group_id = $1 AND topic = ANY($2::text[]) AND next_attempt_at <= now()
                     AND (lease_until IS NULL OR lease_until < now())
                   ORDER BY next_attempt_at, id LIMIT $6
                )
            AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
          ORDER BY ${PRIORITY} DESC, next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE messaging.deferred d
            SET lease_owner = $4, lease_until = now() + make_interval(secs => $5::float8), attempts = d.attempts + 1
           FROM due WHERE d.id = due.id
         RETURNING d.id, d.key, d.topic, d.partition, d."offset", d.message_id, d.tenant_id, d.envelope, d.attempts, d.dead_letter_id, d.error_code
       ) SELECT * FROM claimed`,
      [this.group, [...topics], limit, this.memberId, this.leaseMs / 1000, Math.max(limit, RETRY_WINDOW)],
    );
  }

  /**
   * Gives a claimed message back without counting the claim as an attempt: it is not to be handled
   * before `dueInMs` from now (its not-before time), and stays the head of its key meanwhile.
   */
  async hold(row: DeferredRow, dueInMs: number): Promise<void> {
    // SQL: deferred statement (a claimed head put back until its not-before time, under this member's lease)
    await this.dataSource.query(
      `WITH r AS (
         UPDATE messaging.deferred
            SET next_attempt_at = now() + make_interval(secs => $3::float8), lease_owner = NULL, lease_until = NULL,
                attempts = GREATEST(attempts - 1, 0)
          WHERE id = $1 AND lease_owner = $2 RETURNING 1
       ) SELECT count(*) AS n FROM r`,
      [row.id, this.memberId, Math.max(0, dueInMs) / 1000],
    );
  }

  async reschedule(row: DeferredRow, dueInMs: number, error: unknown): Promise<void> {
    const { code, message } = describeError(error);
    // SQL: deferred statement of the hot path (reschedule under this member's lease)
    await this.dataSource.query(
      `WITH r AS (
         UPDATE messaging.deferred
            SET next_attempt_at = now() + make_interval(secs => $3::float8), lease_owner = NULL, lease_until = NULL,
                error_code = $4, error_message = $5
          WHERE id = $1 AND lease_owner = $2 RETURNING 1
       ) SELECT count(*) AS n FROM r`,
      [row.id, this.memberId, dueInMs / 1000, code, message.slice(0, 2000)],
    );
  }

  /** Removes a finished retry (recording `deadLetter` if given) and makes the next message of its key due. */
  async finish(row: DeferredRow, deadLetter?: Parameters<typeof recordDeadLetter>[1]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await lockKey(manager, this.group, row.key);
      // SQL: deferred statement of the hot path (delete under this member's lease)
      const gone = await manager.query<{ id: string }[]>(
        `WITH gone AS (DELETE FROM messaging.deferred WHERE id = $1 AND lease_owner = $2 RETURNING id) SELECT id FROM gone`,
        [row.id, this.memberId],
      );
      if (gone.length === 0) return; // the lease ran out and another member has it now
      if (deadLetter) {
        await recordDeadLetter(manager, deadLetter);
      } else if (row.dead_letter_id) {
        // SQL: retries' batch write of the hot path (a redriven dead letter resolved in the same transaction)
        await manager.query(
          `WITH r AS (UPDATE messaging.dead_letters SET status = 'resolved', updated_at = now() WHERE id = $1 AND status = 'redriven' RETURNING 1)
           SELECT count(*) AS n FROM r`,
          [row.dead_letter_id],
        );
      }
      await promoteNext(manager, this.group, row.key);
      commitSignal.afterCommit(manager, deferredChannel(this.group));
    });
  }
}
