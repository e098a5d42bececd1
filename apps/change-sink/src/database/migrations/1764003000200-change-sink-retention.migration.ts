import type { MigrationInterface, QueryRunner } from 'typeorm';

/** How far pruning went: a client resuming from before this has lost changes and is told so. */
export class ChangeSinkRetention1764003000200 implements MigrationInterface {
  name = 'ChangeSinkRetention1764003000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE change_sink.pruned (
        only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        transaction_id xid8 NOT NULL,
        id bigint NOT NULL,
        pruned_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE change_sink.pruned`);
  }
}
