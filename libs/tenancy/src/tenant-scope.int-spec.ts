import { randomUUID } from 'node:crypto';
import { runMigrations } from '@tributary/database';
import { createTestDatabase, type TestDatabase } from '@tributary/testing';
import { DataSource } from 'typeorm';
import { TenantContext } from './principal.js';
import { tenancyMigrations } from './tenancy.migrations.js';
import { withTenant, tenantIsolationSql } from './tenant-scope.js';

describe('withTenant: row-level security as the second wall', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  const tenantA = TenantContext.trusted(randomUUID(), 'test');
  const tenantB = TenantContext.trusted(randomUUID(), 'test');

  const notes = (manager: { query: DataSource['query'] }, where = '') =>
    manager.query(`SELECT tenant_id, body FROM rls_test.notes ${where} ORDER BY body`) as Promise<{ tenant_id: string; body: string }[]>;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = new DataSource({ type: 'postgres', url: db.url, migrations: tenancyMigrations, migrationsTableName: 'tributary_migrations' });
    await dataSource.initialize();
    await runMigrations(dataSource);
    // Running the role migration a second time (another database on the same server) must not fail.
    await runMigrations(dataSource);
    await dataSource.query(`CREATE SCHEMA rls_test`);
    await dataSource.query(`CREATE TABLE rls_test.notes (id serial PRIMARY KEY, tenant_id uuid NOT NULL, body text NOT NULL)`);
    for (const sql of tenantIsolationSql('rls_test.notes')) await dataSource.query(sql);
    await dataSource.query(`CREATE TABLE rls_test.ungranted (id serial PRIMARY KEY, tenant_id uuid NOT NULL)`);
    await dataSource.query(`INSERT INTO tenancy.tenants (id, name) VALUES ($1, 'a'), ($2, 'b')`, [tenantA.tenantId, tenantB.tenantId]);
    await dataSource.query(`INSERT INTO rls_test.notes (tenant_id, body) VALUES ($1, 'a1'), ($1, 'a2'), ($2, 'b1')`, [
      tenantA.tenantId,
      tenantB.tenantId,
    ]);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('shows a query that forgets its tenant filter only the tenant’s rows', async () => {
    expect(await withTenant(dataSource, tenantA, (m) => notes(m))).toEqual([
      { tenant_id: tenantA.tenantId, body: 'a1' },
      { tenant_id: tenantA.tenantId, body: 'a2' },
    ]);
    expect(await withTenant(dataSource, tenantB, (m) => notes(m))).toEqual([{ tenant_id: tenantB.tenantId, body: 'b1' }]);
  });

  it('finds nothing of another tenant even when asked for it by id', async () => {
    const rows = await withTenant(dataSource, tenantA, (m) => notes(m, `WHERE tenant_id = '${tenantB.tenantId}'`));
    expect(rows).toEqual([]);
    const tenants = await withTenant(dataSource, tenantA, (m) => m.query(`SELECT id FROM tenancy.tenants`));
    expect(tenants).toEqual([{ id: tenantA.tenantId }]);
  });

  it('refuses to write a row for another tenant, and keeps nothing of the attempt', async () => {
    await expect(
      withTenant(dataSource, tenantA, (m) => m.query(`INSERT INTO rls_test.notes (tenant_id, body) VALUES ($1, 'sneaky')`, [tenantB.tenantId])),
    ).rejects.toThrow(/row-level security/);
    await expect(
      withTenant(dataSource, tenantA, (m) => m.query(`UPDATE rls_test.notes SET tenant_id = $1 WHERE body = 'a1'`, [tenantB.tenantId])),
    ).rejects.toThrow(/row-level security/);
    const deleted = await withTenant(dataSource, tenantA, (m) => m.query(`WITH d AS (DELETE FROM rls_test.notes WHERE body = 'b1' RETURNING id) SELECT id FROM d`));
    expect(deleted).toEqual([]);
    expect((await notes(dataSource)).map((n) => n.body)).toEqual(['a1', 'a2', 'b1']);
  });

  it('writes the tenant’s own rows, serial ids included', async () => {
    await withTenant(dataSource, tenantB, (m) => m.query(`INSERT INTO rls_test.notes (tenant_id, body) VALUES ($1, 'b2')`, [tenantB.tenantId]));
    expect((await withTenant(dataSource, tenantB, (m) => notes(m))).map((n) => n.body)).toEqual(['b1', 'b2']);
  });

  it('denies tables that were never granted to the tenant role', async () => {
    await expect(withTenant(dataSource, tenantA, (m) => m.query(`SELECT * FROM rls_test.ungranted`))).rejects.toThrow(/permission denied/);
  });

  it('leaves the pooled connection as it was once the transaction ends', async () => {
    await withTenant(dataSource, tenantA, (m) => notes(m));
    const runner = dataSource.createQueryRunner();
    try {
      const [state] = await runner.query(`SELECT current_user AS "user", current_setting('tributary.tenant_id', true) AS tenant`);
      expect(state.user).not.toBe('tributary_tenant');
      expect(state.tenant || null).toBeNull();
      expect((await runner.query(`SELECT count(*)::int AS n FROM rls_test.notes`))[0].n).toBe(4);
    } finally {
      await runner.release();
    }
  });
});
