import { TENANT_ROLE, TenantContext, withTenant } from '@tributary/tenancy';
import type { DataSource } from 'typeorm';

export interface TenantTable {
  /** `schema.table` */
  readonly name: string;
  /** Row-level security is enabled on it. */
  readonly rowLevelSecurity: boolean;
  /** The tenant role may read or write it (a tenant transaction can reach it at all). */
  readonly reachable: boolean;
}

/**
 * Every table of `schemas` holding tenant rows (a `tenant_id` column), read from the catalog — so a
 * table added later is checked without anyone remembering to list it.
 */
export async function tenantTables(dataSource: DataSource, schemas: readonly string[]): Promise<TenantTable[]> {
  const rows = await dataSource.query<Array<{ name: string; rls: boolean; reachable: boolean }>>(
    `SELECT n.nspname || '.' || c.relname AS name, c.relrowsecurity AS rls,
            (has_table_privilege($2, c.oid, 'SELECT') OR has_table_privilege($2, c.oid, 'INSERT')
             OR has_table_privilege($2, c.oid, 'UPDATE') OR has_table_privilege($2, c.oid, 'DELETE')) AS reachable
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
      WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY($1::text[])
      ORDER BY 1`,
    [schemas, TENANT_ROLE],
  );
  return rows.map((r) => ({ name: r.name, rowLevelSecurity: r.rls, reachable: r.reachable }));
}

/**
 * What a query that forgets its tenant filter sees of `table` inside `tenantId`'s tenant
 * transaction (`withTenant`): the tenant ids of the rows it gets, or `'denied'` when the tenant role
 * may not read the table at all.
 */
export async function tenantsSeenUnfiltered(dataSource: DataSource, tenantId: string, table: string): Promise<string[] | 'denied'> {
  try {
    const rows = await withTenant(dataSource, TenantContext.trusted(tenantId, 'test:forgotten-filter'), (m) =>
      m.query<Array<{ tenant: string | null }>>(`SELECT DISTINCT tenant_id::text AS tenant FROM ${table}`),
    );
    return rows.map((r) => String(r.tenant)).sort();
  } catch (error) {
    if ((error as { code?: string }).code === '42501') return 'denied';
    throw error;
  }
}

/**
 * The tenant tables of `schemas` as each given tenant sees them through a query with no tenant
 * filter: `{ table: { tenantId: what it sees } }`. Expected: each tenant sees only itself (or
 * nothing), or is denied the table.
 */
export async function forgottenFilterView(
  dataSource: DataSource,
  schemas: readonly string[],
  tenantIds: readonly string[],
): Promise<Record<string, Record<string, string[] | 'denied'>>> {
  const view: Record<string, Record<string, string[] | 'denied'>> = {};
  for (const { name } of await tenantTables(dataSource, schemas)) {
    view[name] = {};
    for (const tenantId of tenantIds) view[name][tenantId] = await tenantsSeenUnfiltered(dataSource, tenantId, name);
  }
  return view;
}
