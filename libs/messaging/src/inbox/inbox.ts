import type { Queryable } from '@tributary/database';

/**
 * The consumer side of exactly-once in effect: a handler claims a message id inside the same
 * transaction as its effect; a redelivery finds the claim and does nothing, and a rolled-back
 * effect takes its claim with it.
 */
export class Inbox {
  /** True the first time `consumer` claims `messageId`; false for every redelivery. */
  async claim(q: Queryable, consumer: string, messageId: string): Promise<boolean> {
    const rows = await q.query(
      `INSERT INTO messaging.inbox (consumer, message_id) VALUES ($1, $2)
       ON CONFLICT DO NOTHING RETURNING message_id`,
      [consumer, messageId],
    );
    return rows.length === 1;
  }

  /** Whether `consumer` already handled `messageId` (a read outside any transaction: a hint that skips work, not a claim). */
  async handled(q: Queryable, consumer: string, messageId: string): Promise<boolean> {
    const rows = await q.query(`SELECT 1 AS found FROM messaging.inbox WHERE consumer = $1 AND message_id = $2`, [consumer, messageId]);
    return rows.length === 1;
  }
}
