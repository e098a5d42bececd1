import { commitSignal, type Queryable } from '@tributary/database';
import { deferredChannel, lockKey } from './deferred-messages.js';

const HELD = Symbol('tributary.heldUnsettled');

/**
 * Marks `error` as what a run ends with when its handler's transaction held the message
 * (`Settlements.hold` committed): the message is in `messaging.deferred` already, waiting for its
 * settlement or deadline, so the delivery records nothing more of this attempt — recording a
 * retry could bring the message back after a settlement landed meanwhile and finished it.
 */
export function heldUnsettled<E extends object>(error: E): E {
  Object.defineProperty(error, HELD, { value: true });
  return error;
}

/** Whether `error` ended a run on a hold (see `heldUnsettled`). */
export const isHeldUnsettled = (error: unknown): boolean => typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[HELD] === true;

/**
 * What `messaging.deferred` says (its `error_code`) of a message whose settlement decided its end
 * (`Settlements.release` with `decided`): its next delivery is not stopped by its expiry.
 */
export const SETTLED = 'settled';

/** Where a message was delivered to a group: what `messaging.deferred` knows it by. */
export interface HeldDelivery {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number | string;
  /** The partition key the transport ordered it by (`tenant:subject`). */
  readonly key: string;
  readonly messageId: string;
  readonly tenantId: string | null;
  readonly envelope: unknown;
}

/**
 * Messages whose handler settles them later (ack / nack / reject, by a callback or another handler):
 * such a message is held unsettled in `messaging.deferred` — the head of its key, so the key's later
 * messages wait behind it while other keys flow — due at its deadline, when the retry loop delivers
 * it again (a lapsed deadline is a nack). Settling it makes it due at once (or after a backoff):
 * every statement runs in the caller's transaction, beside the caller's own record of the outcome,
 * and the group's retry loop is woken after that transaction commits.
 */
export class Settlements {
  /**
   * Serializes, per key, holding a message and settling it with the other writers of
   * `messaging.deferred` (parking behind the key, a retry's finish): take it first in the transaction.
   */
  lock(q: Queryable, group: string, key: string): Promise<void> {
    return lockKey(q, group, key);
  }

  /**
   * Holds the message of `delivery` until `dueInMs` from now, counted as `attempts` so far: inserted as
   * the head of its key — or, on a retry (the retry loop leases the row while the handler runs),
   * updated and its lease released, so the loop's own bookkeeping of that attempt changes nothing and
   * only a settlement or the deadline moves it. Call under `lock`.
   */
  async hold(q: Queryable, delivery: HeldDelivery, state: { attempts: number; dueInMs: number; code: string; message: string }): Promise<void> {
    // SQL: an upsert on the retries' table (ON CONFLICT … DO UPDATE, no ORM form), the key's head unless another waits before it
    await q.query(
      `WITH held AS (
         INSERT INTO messaging.deferred AS d
           (group_id, key, topic, partition, "offset", message_id, tenant_id, envelope, attempts, next_attempt_at, error_code, error_message)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9,
                CASE WHEN EXISTS (SELECT 1 FROM messaging.deferred WHERE group_id = $1 AND key = $2 AND NOT (topic = $3 AND partition = $4 AND "offset" = $5))
                     THEN NULL ELSE now() + make_interval(secs => $10::float8) END,
                $11, $12
         ON CONFLICT (group_id, topic, partition, "offset") DO UPDATE
           SET next_attempt_at = now() + make_interval(secs => $10::float8), lease_owner = NULL, lease_until = NULL,
               error_code = EXCLUDED.error_code, error_message = EXCLUDED.error_message
         RETURNING d.id
       ) SELECT id FROM held`,
      [
        delivery.group,
        delivery.key,
        delivery.topic,
        delivery.partition,
        String(delivery.offset),
        delivery.messageId,
        delivery.tenantId,
        JSON.stringify(delivery.envelope ?? null),
        state.attempts,
        Math.max(0, state.dueInMs) / 1000,
        state.code,
        state.message.slice(0, 2000),
      ],
    );
  }

  /**
   * Makes a held message of `group` due in `dueInMs` (0: at once) and wakes the group's retry loop
   * after commit. `decided`: its settlement decided its end (an ack or a reject, not a nack) — its
   * next delivery only carries that out, so an expiry passed meanwhile does not make it a dead
   * letter `expired` (see `SETTLED`). False when it is not held — not there (its attempt is still running, or it was
   * finished) or leased by a retry in progress: the caller's recorded outcome then decides when that
   * attempt ends. Call under `lock`.
   */
  async release(q: Queryable, group: string, messageId: string, dueInMs = 0, decided = false): Promise<boolean> {
    // SQL: the retries' table, by group and message (the rows of a message held unsettled)
    const rows = await q.query<{ id: string }[]>(
      `WITH due AS (
         UPDATE messaging.deferred
            SET next_attempt_at = now() + make_interval(secs => $3::float8), error_code = CASE WHEN $4::boolean THEN $5 ELSE error_code END
          WHERE group_id = $1 AND message_id = $2 AND next_attempt_at IS NOT NULL AND (lease_until IS NULL OR lease_until < now())
         RETURNING id
       ) SELECT id FROM due`,
      [group, messageId, Math.max(0, dueInMs) / 1000, decided, SETTLED],
    );
    if (rows.length > 0) commitSignal.afterCommit(q, deferredChannel(group));
    return rows.length > 0;
  }
}
