import { tenantIsolationSql } from '@tributary/tenancy';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The carrier pollers' request budgets, one row per poller deployment (carrier account), shared by the worker
 * replicas: a token bucket taken with one UPDATE … RETURNING per batch of calls (CarrierPollLimiter).
 */
export class WorkerCarrierPollBudgets1765403000000 implements MigrationInterface {
  name = 'WorkerCarrierPollBudgets1765403000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE worker.carrier_poll_budgets (
        deployment_id uuid PRIMARY KEY REFERENCES worker.deployments (id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL,
        tokens double precision NOT NULL,
        refilled_at timestamptz NOT NULL,
        granted integer NOT NULL DEFAULT 0,
        blocked_until timestamptz,
        cursor text NOT NULL DEFAULT ''
      )`);
    for (const sql of tenantIsolationSql('worker.carrier_poll_budgets')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE worker.carrier_poll_budgets`);
  }
}
