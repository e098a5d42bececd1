import type { DataSource, EntityManager } from 'typeorm';
import type { TenantContext } from './principal.js';

/**
 * The role tenant-scoped work runs as. It owns nothing and bypasses nothing, so the row-level
 * security policies of `tenantIsolationSql` apply to it even when the app connects as the tables'
 * owner or as a superuser.
 */
export const TENANT_ROLE = 'tributary_tenant';

/** The transaction-local setting the policies read. */
export const TENANT_SETTING = 'tributary.tenant_id';

/**
 * Narrows the caller's open transaction to one tenant: from here to its end, Postgres shows and
 * accepts only that tenant's rows of every table under `tenantIsolationSql`, whatever the queries
 * say — the second wall behind tenant-scoped queries. Both settings are transaction-local, so
 * nothing leaks to the next user of the pooled connection.
 */
export async function enterTenant(manager: EntityManager, tenant: TenantContext): Promise<void> {
  // SQL: row-level security settings, transaction-local (no ORM form).
  await manager.query(`SELECT set_config($1, $2, true), set_config('role', $3, true)`, [
    TENANT_SETTING,
    tenant.tenantId,
    TENANT_ROLE,
  ]);
}

/**
 * Runs `work` in a transaction scoped to `tenant` (see `enterTenant`). Inside it use only the given
 * manager: on the embedded database one transaction runs at a time, so waiting on another
 * connection from in here would deadlock.
 */
export function withTenant<T>(
  dataSource: DataSource,
  tenant: TenantContext,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  return dataSource.transaction(async (manager) => {
    await enterTenant(manager, tenant);
    return work(manager);
  });
}

export interface TenantIsolationOptions {
  /** The column holding the tenant id. */
  readonly column?: string;
  /** Its SQL type, which the setting is cast to (so the column's index still serves the policy). */
  readonly type?: 'uuid' | 'text';
  /** What the tenant role may do with the table. */
  readonly privileges?: ReadonlyArray<'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE'>;
}

/**
 * The statements a migration runs to put `table` (schema-qualified) behind row-level security:
 * the tenant role may use it, and sees and writes only rows of the tenant its transaction entered.
 * Outside a tenant transaction the app's own role is unaffected (it owns the table), which is what
 * cross-tenant system work (consumers, projections, the admin) needs.
 */
export function tenantIsolationSql(table: string, options: TenantIsolationOptions = {}): string[] {
  const [schema] = table.split('.');
  if (!schema || !table.includes('.')) throw new Error(`tenantIsolationSql needs a schema-qualified table, got "${table}"`);
  const column = options.column ?? 'tenant_id';
  const type = options.type ?? 'uuid';
  const privileges = (options.privileges ?? ['SELECT', 'INSERT', 'UPDATE', 'DELETE']).join(', ');
  const policyName = `${table.replace('.', '_')}_tenant_isolation`;
  const current = `current_setting('${TENANT_SETTING}')::${type}`;
  return [
    `GRANT USAGE ON SCHEMA ${schema} TO ${TENANT_ROLE}`,
    `GRANT ${privileges} ON ${table} TO ${TENANT_ROLE}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${TENANT_ROLE}`,
    `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`,
    `CREATE POLICY ${policyName} ON ${table} TO ${TENANT_ROLE} USING (${column} = ${current}) WITH CHECK (${column} = ${current})`,
  ];
}
