import type { Queryable } from '@tributary/database';
import { describeError } from '../retry-policy.js';

export interface DeadLetter {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number | string;
  readonly messageId: string;
  readonly tenantId: string | null;
  /** The partition key (tenant:subject) the message was ordered by, when known. */
  readonly key?: string | null;
  /** The message as received (possibly malformed or tampered with). */
  readonly envelope: unknown;
  readonly error: unknown;
  readonly attempts: number;
}

/**
 * Records a message that will not be handled, with why. Both transports write here, before the
 * consumer moves past the message, so nothing leaves the stream without a trace. Idempotent per
 * (group, topic, partition, offset): a redelivered dead letter is recorded once, and a redriven one
 * that fails again becomes `dead` again with its new error and attempts.
 */
export async function recordDeadLetter(q: Queryable, letter: DeadLetter): Promise<void> {
  const { code, message } = describeError(letter.error);
  // SQL: an upsert with a condition (ON CONFLICT … DO UPDATE … WHERE), no ORM form; on the consumers' hot path
  await q.query(
    `WITH dl AS (
       INSERT INTO messaging.dead_letters AS d
         (group_id, topic, partition, "offset", message_id, tenant_id, key, envelope, error_code, error_message, attempts)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (group_id, topic, partition, "offset") DO UPDATE
         SET status = 'dead', error_code = EXCLUDED.error_code, error_message = EXCLUDED.error_message,
             attempts = EXCLUDED.attempts, dead_at = now(), updated_at = now()
       WHERE d.status = 'redriven'
       RETURNING id
     ) SELECT id FROM dl`,
    [
      letter.group,
      letter.topic,
      letter.partition,
      String(letter.offset),
      letter.messageId,
      letter.tenantId,
      letter.key ?? null,
      JSON.stringify(letter.envelope ?? null),
      code,
      message.slice(0, 2000),
      letter.attempts,
    ],
  );
}
