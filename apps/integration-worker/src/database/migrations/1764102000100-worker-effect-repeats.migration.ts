import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `once` effects done again after a crash (`onUnknown: 'repeat'`): the identity the effect carries to
 * its receiver (a Message-ID, an Idempotency-Key), recorded with the intent, and how many times it
 * was done again while an earlier attempt's outcome was unknown.
 */
export class WorkerEffectRepeats1764102000100 implements MigrationInterface {
  name = 'WorkerEffectRepeats1764102000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE worker.effects ADD COLUMN identity text`);
    await q.query(`ALTER TABLE worker.effects ADD COLUMN repeats int NOT NULL DEFAULT 0 CHECK (repeats >= 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE worker.effects DROP COLUMN repeats`);
    await q.query(`ALTER TABLE worker.effects DROP COLUMN identity`);
  }
}
