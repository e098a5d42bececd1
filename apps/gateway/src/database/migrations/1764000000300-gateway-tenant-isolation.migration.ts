import { TENANT_ROLE, tenantIsolationSql } from '@tributary/tenancy';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const TENANT_TABLES = ['gateway.apps', 'gateway.integrations', 'gateway.integration_apps', 'gateway.webhooks', 'gateway.webhook_secrets'];

/**
 * Row-level security on the gateway's tenant tables: management reads and writes run in tenant
 * transactions (`withTenant`), where Postgres shows only the tenant's rows whatever a query says.
 * Ingress looks webhooks up before it knows the tenant, as the app's own role (the tables' owner).
 */
export class GatewayTenantIsolation1764000000300 implements MigrationInterface {
  name = 'GatewayTenantIsolation1764000000300';

  async up(q: QueryRunner): Promise<void> {
    for (const table of TENANT_TABLES) for (const sql of tenantIsolationSql(table)) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of TENANT_TABLES) {
      await q.query(`DROP POLICY IF EXISTS ${table.replace('.', '_')}_tenant_isolation ON ${table}`);
      await q.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
      await q.query(`REVOKE ALL ON ${table} FROM ${TENANT_ROLE}`);
    }
  }
}
