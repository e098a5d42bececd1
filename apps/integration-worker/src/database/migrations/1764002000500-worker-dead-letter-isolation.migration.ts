import { tenantIsolationSql } from '@tributary/tenancy';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenant keys read and redrive their own dead letters through the worker: the dead-letter queue and
 * the retries a redrive writes to go behind row-level security too (their tenant column is text:
 * a malformed message may carry no valid tenant id).
 */
export class WorkerDeadLetterIsolation1764002000500 implements MigrationInterface {
  name = 'WorkerDeadLetterIsolation1764002000500';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of tenantIsolationSql('messaging.dead_letters', { type: 'text', privileges: ['SELECT', 'UPDATE'] })) await q.query(sql);
    for (const sql of tenantIsolationSql('messaging.deferred', { type: 'text', privileges: ['SELECT', 'INSERT'] })) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['dead_letters', 'deferred']) {
      await q.query(`DROP POLICY IF EXISTS messaging_${table}_tenant_isolation ON messaging.${table}`);
      await q.query(`ALTER TABLE messaging.${table} DISABLE ROW LEVEL SECURITY`);
    }
  }
}
