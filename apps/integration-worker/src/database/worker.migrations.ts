import { tenantIsolationSql } from '@tributary/tenancy';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { WorkerEffectRepeats1764102000100 } from './worker-effect-repeats.migrations.js';
import { WorkerRunRepeats1764102000200 } from './worker-run-repeats.migrations.js';

/**
 * The worker's own tables: run records of every handler execution, and the journal of external
 * effects done once (`HandlerContext.once`).
 */
export class WorkerInit1764002000100 implements MigrationInterface {
  name = 'WorkerInit1764002000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS worker`);
    await q.query(`
      CREATE TABLE worker.runs (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        integration text NOT NULL,
        method text NOT NULL,
        action_id uuid,
        deployment_id uuid,
        trigger text NOT NULL CHECK (trigger IN ('topic', 'schedule', 'manual')),
        message_id uuid,
        state text NOT NULL CHECK (state IN ('init', 'ok', 'fail', 'skip')),
        attempt int NOT NULL DEFAULT 1,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        duration_ms int,
        outputs int NOT NULL DEFAULT 0,
        response_hash text,
        foreign_id text,
        skip_reason text,
        error_code text,
        error_message text
      )`);
    await q.query(`CREATE INDEX runs_by_tenant ON worker.runs (tenant_id, started_at DESC)`);
    await q.query(`CREATE INDEX runs_by_action ON worker.runs (action_id, started_at DESC) WHERE action_id IS NOT NULL`);
    // An effect is 'started' (intent recorded, outcome unknown until 'done') under its idempotency key.
    await q.query(`
      CREATE TABLE worker.effects (
        key text NOT NULL,
        name text NOT NULL,
        tenant_id uuid NOT NULL,
        state text NOT NULL CHECK (state IN ('started', 'done')),
        result jsonb,
        reconciled boolean NOT NULL DEFAULT false,
        started_at timestamptz NOT NULL DEFAULT now(),
        lease_until timestamptz NOT NULL,
        finished_at timestamptz,
        PRIMARY KEY (key, name)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE worker.effects`);
    await q.query(`DROP TABLE worker.runs`);
  }
}

/**
 * Deployments (an integration's configuration and encrypted credentials for one external service,
 * per tenant) and actions (deployment × method, run by topic, schedule or hand).
 */
export class WorkerDeployments1764002000200 implements MigrationInterface {
  name = 'WorkerDeployments1764002000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE worker.deployments (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        integration text NOT NULL,
        name text NOT NULL,
        config jsonb NOT NULL DEFAULT '{}',
        -- SecretBox (AES-256-GCM) of the credentials' JSON, bound to the row id; never returned.
        credentials_sealed text,
        allow_private_network boolean NOT NULL DEFAULT false,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, integration, name)
      )`);
    await q.query(`
      CREATE TABLE worker.actions (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        deployment_id uuid NOT NULL REFERENCES worker.deployments (id) ON DELETE CASCADE,
        method text NOT NULL,
        -- runs on every message of the method's topic for this tenant
        on_topic boolean NOT NULL DEFAULT true,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (deployment_id, method)
      )`);
    await q.query(`CREATE INDEX actions_by_method ON worker.actions (tenant_id, method) WHERE enabled AND on_topic`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE worker.actions`);
    await q.query(`DROP TABLE worker.deployments`);
  }
}

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

/**
 * The cron scheduler: schedules of actions (cron + time zone), each row its own lease (the firing
 * replica holds its row lock), the run lock (`running_until`) and one row per fired tick.
 */
export class WorkerSchedules1764002000400 implements MigrationInterface {
  name = 'WorkerSchedules1764002000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE worker.schedules (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        action_id uuid NOT NULL REFERENCES worker.actions (id) ON DELETE CASCADE,
        cron text NOT NULL,
        time_zone text NOT NULL,
        input jsonb NOT NULL DEFAULT '{}',
        timeout_ms int NOT NULL CHECK (timeout_ms > 0),
        enabled boolean NOT NULL DEFAULT true,
        next_fire_at timestamptz NOT NULL,
        last_fired_at timestamptz,
        -- the run lock: a firing holds it until its run ends, or until its timeout if the run dies
        running_until timestamptz,
        last_run_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX schedules_due ON worker.schedules (next_fire_at) WHERE enabled`);
    // One row per (schedule, tick): a second firing of the same tick cannot be written.
    await q.query(`
      CREATE TABLE worker.schedule_firings (
        schedule_id uuid NOT NULL REFERENCES worker.schedules (id) ON DELETE CASCADE,
        tick timestamptz NOT NULL,
        tenant_id uuid NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('fired', 'skipped_overlap')),
        run_id uuid NOT NULL,
        fired_at timestamptz NOT NULL DEFAULT now(),
        fired_by text NOT NULL,
        PRIMARY KEY (schedule_id, tick)
      )`);
    for (const table of ['worker.schedules', 'worker.schedule_firings']) for (const sql of tenantIsolationSql(table)) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE worker.schedule_firings`);
    await q.query(`DROP TABLE worker.schedules`);
  }
}

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

/** A tenant's own notification templates, per state and language (the built-in ones apply otherwise). */
export class WorkerNotificationTemplates1764002000600 implements MigrationInterface {
  name = 'WorkerNotificationTemplates1764002000600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE worker.notification_templates (
        tenant_id uuid NOT NULL,
        state text NOT NULL,
        language text NOT NULL,
        subject text NOT NULL,
        body text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, state, language)
      )`);
    for (const sql of tenantIsolationSql('worker.notification_templates')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE worker.notification_templates`);
  }
}

/** The run history's retention (RunRetention) deletes by start time across tenants. */
export class WorkerRunsByStart1764102000000 implements MigrationInterface {
  name = 'WorkerRunsByStart1764102000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX runs_by_started_at ON worker.runs (started_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX worker.runs_by_started_at`);
  }
}

export const workerMigrations = [
  WorkerInit1764002000100,
  WorkerDeployments1764002000200,
  WorkerTracking1764002000300,
  WorkerSchedules1764002000400,
  WorkerDeadLetterIsolation1764002000500,
  WorkerNotificationTemplates1764002000600,
  WorkerRunsByStart1764102000000,
  WorkerEffectRepeats1764102000100,
  WorkerRunRepeats1764102000200,
];
