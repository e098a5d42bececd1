import { tenantIsolationSql } from '@tributary/tenancy';
import type { MigrationInterface, QueryRunner } from 'typeorm';

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
