import type { Queryable } from '@tributary/database';

/**
 * The consumer side of exactly-once in effect: a handler claims a message id inside the same
 * transaction as its effect; a redelivery finds the claim and does nothing, and a rolled-back
 * effect takes its claim with it.
 */
export class Inbox {
  /** True the first time `consumer` claims `messageId`; false for every redelivery. */
  async claim(q: Queryable, consumer: string, messageId: string): Promise<boolean> {
    // SQL: the inbox claim (hot path: ON CONFLICT DO NOTHING RETURNING)
    const rows = await q.query(
      `INSERT INTO messaging.inbox (consumer, message_id) VALUES ($1, $2)
       ON CONFLICT DO NOTHING RETURNING message_id`,
      [consumer, messageId],
    );
    return rows.length === 1;
  }

  /** Claims many (consumer, message id) pairs in one statement: the pairs claimed now, as `consumer\u0000messageId`. */
  async claimAll(q: Queryable, claims: readonly { consumer: string; messageId: string }[]): Promise<Set<string>> {
    if (claims.length === 0) return new Set();
    // SQL: the inbox claims of a batch (hot path: unnest arrays, ON CONFLICT DO NOTHING)
    const rows = await q.query<{ consumer: string; message_id: string }>(
      `INSERT INTO messaging.inbox (consumer, message_id)
       SELECT * FROM unnest($1::text[], $2::uuid[]) ON CONFLICT DO NOTHING RETURNING consumer, message_id`,
      [claims.map((c) => c.consumer), claims.map((c) => c.messageId)],
    );
    return new Set(rows.map((r) => inboxKey(r.consumer, r.message_id)));
  }

  /** Which of the pairs were handled already (a hint read outside any transaction, as `handled`), as `consumer\u0000messageId`. */
  async handledAll(q: Queryable, pairs: readonly { consumer: string; messageId: string }[]): Promise<Set<string>> {
    if (pairs.length === 0) return new Set();
    // SQL: the inbox read of a batch (hot path: a join on unnest arrays)
    const rows = await q.query<{ consumer: string; message_id: string }>(
      `SELECT i.consumer, i.message_id FROM messaging.inbox i
         JOIN unnest($1::text[], $2::uuid[]) AS p(consumer, message_id) ON p.consumer = i.consumer AND p.message_id = i.message_id`,
      [pairs.map((c) => c.consumer), pairs.map((c) => c.messageId)],
    );
    return new Set(rows.map((r) => inboxKey(r.consumer, r.message_id)));
  }

  /** Whether `consumer` already handled `messageId` (a read outside any transaction: a hint that skips work, not a claim). */
  async handled(q: Queryable, consumer: string, messageId: string): Promise<boolean> {
    // SQL: the inbox read (hot path)
    const rows = await q.query(`SELECT 1 AS found FROM messaging.inbox WHERE consumer = $1 AND message_id = $2`, [consumer, messageId]);
    return rows.length === 1;
  }
}

/** How `claimAll` and `handledAll` name a pair. */
export const inboxKey = (consumer: string, messageId: string): string => `${consumer}\u0000${messageId.toLowerCase()}`;
