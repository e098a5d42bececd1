import { tenantIsolationSql } from '@tributary/tenancy';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Track & trace: each package's current state and transition count, every carrier event received
 * (in or out of order, deduplicated), the customers to notify and their consent, opt-outs, and the
 * local mailbox used without SMTP. Then row-level security on every tenant table of the worker.
 */
export class WorkerTracking1764002000300 implements MigrationInterface {
  name = 'WorkerTracking1764002000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE worker.tracked_packages (
        tenant_id uuid NOT NULL,
        tracking_id text NOT NULL,
        carrier text NOT NULL,
        status text NOT NULL,
        status_at timestamptz NOT NULL,
        version int NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, tracking_id)
      )`);
    // One row per distinct carrier event: a repeat (same status at the same time) is dropped here.
    await q.query(`
      CREATE TABLE worker.package_events (
        tenant_id uuid NOT NULL,
        tracking_id text NOT NULL,
        status text NOT NULL,
        occurred_at timestamptz NOT NULL,
        carrier text NOT NULL,
        carrier_status text NOT NULL,
        message_id uuid NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('applied', 'stale', 'same', 'regression', 'ignored')),
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, tracking_id, status, occurred_at)
      )`);
    await q.query(`
      CREATE TABLE worker.package_recipients (
        tenant_id uuid NOT NULL,
        tracking_id text NOT NULL,
        email text NOT NULL,
        language text NOT NULL,
        consent boolean NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, tracking_id)
      )`);
    await q.query(`
      CREATE TABLE worker.notification_opt_outs (
        tenant_id uuid NOT NULL,
        email text NOT NULL,
        opted_out_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, email)
      )`);
    await q.query(`
      CREATE TABLE worker.mailbox (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        message_id text NOT NULL,
        sender text NOT NULL,
        recipient text NOT NULL,
        subject text NOT NULL,
        body text NOT NULL,
        tracking_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, message_id)
      )`);
    const tables = [
      'worker.tracked_packages',
      'worker.package_events',
      'worker.package_recipients',
      'worker.notification_opt_outs',
      'worker.mailbox',
      'worker.runs',
      'worker.deployments',
      'worker.actions',
    ];
    for (const table of tables) for (const sql of tenantIsolationSql(table)) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['mailbox', 'notification_opt_outs', 'package_recipients', 'package_events', 'tracked_packages']) {
      await q.query(`DROP TABLE worker.${table}`);
    }
  }
}
