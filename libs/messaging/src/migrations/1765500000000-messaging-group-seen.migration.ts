import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a consumer group last held a partition's lease (`seen_at`): the message log's retention stops
 * waiting for a group not seen for a week or more — a named queue removed from the code, a renamed app —
 * which otherwise kept every message of its partitions for good.
 */
export class MessagingGroupSeen1765500000000 implements MigrationInterface {
  name = 'MessagingGroupSeen1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messaging.group_partitions ADD COLUMN seen_at timestamptz NOT NULL DEFAULT now()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messaging.group_partitions DROP COLUMN seen_at`);
  }
}
