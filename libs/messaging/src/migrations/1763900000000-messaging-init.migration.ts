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
