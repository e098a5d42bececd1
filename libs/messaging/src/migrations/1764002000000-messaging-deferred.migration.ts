import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Durable retries: a failed message leaves the partition for `messaging.deferred` (its attempts and
 * next attempt time survive restarts), later messages of its key wait there behind it, and dead
 * letters get a lifecycle (dead → redriven → resolved, or discarded) so they can be redriven.
 */
export class MessagingDeferred1764002000000 implements MigrationInterface {
  name = 'MessagingDeferred1764002000000';

  async up(q: QueryRunner): Promise<void> {
    // One row per message that must not be handled on the partition's main path: the head of each
    // key (lowest id) has next_attempt_at set; the rows behind it wait with NULL until promoted.
    await q.query(`
      CREATE TABLE messaging.deferred (
        id bigserial PRIMARY KEY,
        group_id text NOT NULL,
        key text NOT NULL,
        topic text NOT NULL,
        partition int NOT NULL,
        "offset" bigint NOT NULL,
        message_id text NOT NULL,
        tenant_id text,
        envelope jsonb NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        lease_owner text,
        lease_until timestamptz,
        error_code text,
        error_message text,
        dead_letter_id bigint,
        deferred_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (group_id, topic, partition, "offset")
      )`);
    await q.query(`CREATE INDEX deferred_by_key ON messaging.deferred (group_id, key, id)`);
    await q.query(`CREATE INDEX deferred_due ON messaging.deferred (group_id, next_attempt_at) WHERE next_attempt_at IS NOT NULL`);
    await q.query(`
      ALTER TABLE messaging.dead_letters
        ADD COLUMN key text,
        ADD COLUMN status text NOT NULL DEFAULT 'dead' CHECK (status IN ('dead', 'redriven', 'resolved', 'discarded')),
        ADD COLUMN redrives int NOT NULL DEFAULT 0,
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now()`);
    await q.query(`CREATE INDEX dead_letters_by_status ON messaging.dead_letters (status, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE messaging.deferred`);
    await q.query(`DROP INDEX messaging.dead_letters_by_status`);
    await q.query(`ALTER TABLE messaging.dead_letters DROP COLUMN key, DROP COLUMN status, DROP COLUMN redrives, DROP COLUMN updated_at`);
  }
}
