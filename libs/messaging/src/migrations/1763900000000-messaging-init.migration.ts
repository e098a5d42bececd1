import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The postgres transport's log, consumer group state, dead letters and the consumers' inbox. */
export class MessagingInit1763900000000 implements MigrationInterface {
  name = 'MessagingInit1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS messaging`);
    await q.query(`
      CREATE TABLE messaging.topics (
        topic text PRIMARY KEY,
        partitions int NOT NULL CHECK (partitions > 0),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One row per partition: its next offset. Appending locks the row until commit, so offsets
    // become visible in order and a reader never skips one committed late (gap-free).
    await q.query(`
      CREATE TABLE messaging.topic_partitions (
        topic text NOT NULL REFERENCES messaging.topics (topic),
        partition int NOT NULL,
        next_offset bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (topic, partition)
      )`);
    await q.query(`
      CREATE TABLE messaging.messages (
        topic text NOT NULL,
        partition int NOT NULL,
        "offset" bigint NOT NULL,
        message_id uuid NOT NULL,
        key text NOT NULL,
        envelope jsonb NOT NULL,
        appended_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (topic, partition, "offset")
      )`);
    await q.query(`
      CREATE TABLE messaging.group_members (
        group_id text NOT NULL,
        member_id text NOT NULL,
        heartbeat_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (group_id, member_id)
      )`);
    // committed_offset is the next offset the group reads; owner/lease_until make one member
    // at a time the reader of a partition.
    await q.query(`
      CREATE TABLE messaging.group_partitions (
        group_id text NOT NULL,
        topic text NOT NULL,
        partition int NOT NULL,
        committed_offset bigint NOT NULL DEFAULT 0,
        owner text,
        lease_until timestamptz,
        PRIMARY KEY (group_id, topic, partition)
      )`);
    await q.query(`
      CREATE TABLE messaging.dead_letters (
        -- topic/partition/offset are the transport's own (the postgres log's or Kafka's); message_id
        -- is text because a message dead-lettered for being malformed may not carry a valid id.
        id bigserial PRIMARY KEY,
        group_id text NOT NULL,
        topic text NOT NULL,
        partition int NOT NULL,
        "offset" bigint NOT NULL,
        message_id text NOT NULL,
        tenant_id text,
        envelope jsonb NOT NULL,
        error_code text NOT NULL,
        error_message text NOT NULL,
        attempts int NOT NULL,
        dead_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (group_id, topic, partition, "offset")
      )`);
    await q.query(`
      CREATE TABLE messaging.inbox (
        consumer text NOT NULL,
        message_id uuid NOT NULL,
        handled_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, message_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA messaging CASCADE`);
  }
}

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

export const messagingMigrations = [MessagingInit1763900000000, MessagingDeferred1764002000000];
