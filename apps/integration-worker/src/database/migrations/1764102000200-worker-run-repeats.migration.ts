import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A run's `once` effects it did again because a crash had left their outcome unknown (see WorkerEffectRepeats). */
export class WorkerRunRepeats1764102000200 implements MigrationInterface {
  name = 'WorkerRunRepeats1764102000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE worker.runs ADD COLUMN repeated_effects int NOT NULL DEFAULT 0 CHECK (repeated_effects >= 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE worker.runs DROP COLUMN repeated_effects`);
  }
}
