import { randomUUID } from 'node:crypto';
import { runMigrations } from '@tributary/database';
import { createTestDatabase, type TestDatabase } from '@tributary/testing';
import { DataSource } from 'typeorm';
import { TenantContext } from './principal.js';
import { TENANCY_ENTITIES } from './tenancy.entities.js';
import { tenancyMigrations } from './tenancy.migrations.js';
import { TenantRepository } from './tenant-repository.js';
import { withTenant } from './tenant-scope.js';
import { UserEntity } from './user.entity.js';

/**
 * TenantRepository on its own (the app's role, no row-level security in the way): whatever a caller asks for, it
 * reads, changes and deletes only its tenant's rows, and writes rows of its tenant only.
 */
describe('TenantRepository: every read and write narrowed to the caller’s tenant', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  const acme = TenantContext.trusted(randomUUID(), 'test');
  const globex = TenantContext.trusted(randomUUID(), 'test');
  const acmeUser = randomUUID();
  const globexUser = randomUUID();

  const users = (tenant: TenantContext) => new TenantRepository(dataSource.manager, UserEntity, tenant);
  /** What is stored, read past the repository. */
  const stored = async () =>
    (await dataSource.manager.find(UserEntity, { order: { email: 'ASC' } })).map((u) => ({ tenantId: u.tenantId, email: u.email, name: u.name }));

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = new DataSource({ type: 'postgres', url: db.url, entities: TENANCY_ENTITIES, migrations: tenancyMigrations, migrationsTableName: 'tributary_migrations' });
    await dataSource.initialize();
    await runMigrations(dataSource);
    await dataSource.query(`INSERT INTO tenancy.tenants (id, name) VALUES ($1, 'acme'), ($2, 'globex')`, [acme.tenantId, globex.tenantId]);
  });

  beforeEach(async () => {
    await dataSource.query(`DELETE FROM tenancy.users`);
    await users(acme).insert({ id: acmeUser, email: 'ada@acme.test', name: 'Ada', role: 'owner' });
    await users(globex).insert({ id: globexUser, email: 'bob@globex.test', name: 'Bob', role: 'owner' });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('finds, counts and queries only the tenant’s rows, even when asked for another tenant’s by id', async () => {
    expect((await users(acme).find()).map((u) => u.email)).toEqual(['ada@acme.test']);
    expect(await users(acme).findOne({ id: globexUser })).toBeNull();
    expect((await users(acme).findOne({ id: acmeUser }))?.email).toBe('ada@acme.test');
    expect(await users(acme).count()).toBe(1);
    expect(await users(acme).count({ id: globexUser })).toBe(0);
    // A caller's where cannot replace the tenant condition, nor an orWhere widen it.
    expect((await users(acme).query('u').where('u.id = :other', { other: globexUser }).getMany()).map((u) => u.email)).toEqual([]);
    const widened = users(acme).query('u').where('u.id = :own', { own: acmeUser }).orWhere('u.id = :other', { other: globexUser });
    expect((await widened.getMany()).map((u) => u.email)).toEqual(['ada@acme.test']);
    expect((await users(globex).query('u').getMany()).map((u) => u.email)).toEqual(['bob@globex.test']);
  });

  it('updates nothing of another tenant', async () => {
    expect(await users(acme).update({ id: globexUser }, { name: 'renamed' })).toBe(0);
    expect(await users(acme).update({}, { name: 'everyone' })).toBe(1);
    expect(await stored()).toEqual([
      { tenantId: acme.tenantId, email: 'ada@acme.test', name: 'everyone' },
      { tenantId: globex.tenantId, email: 'bob@globex.test', name: 'Bob' },
    ]);
  });

  it('deletes nothing of another tenant', async () => {
    expect(await users(acme).delete({ id: globexUser })).toBe(0);
    expect((await stored()).map((u) => u.email)).toEqual(['ada@acme.test', 'bob@globex.test']);
    expect(await users(acme).delete({ id: acmeUser })).toBe(1);
    expect((await stored()).map((u) => u.email)).toEqual(['bob@globex.test']);
  });

  it('writes new rows into the caller’s tenant, whatever tenant the values name', async () => {
    await users(acme).insert({ id: randomUUID(), email: 'eve@acme.test', name: 'Eve', role: 'member', tenantId: globex.tenantId } as never);
    expect((await stored()).filter((u) => u.email === 'eve@acme.test')).toEqual([{ tenantId: acme.tenantId, email: 'eve@acme.test', name: 'Eve' }]);
  });

  it('works the same inside the tenant’s transaction, behind row-level security', async () => {
    const seen = await withTenant(dataSource, acme, (manager) => new TenantRepository(manager, UserEntity, acme).find());
    expect(seen.map((u) => u.id)).toEqual([acmeUser]);
  });
});
