import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Column, DataSource, Entity, getMetadataArgsStorage, PrimaryColumn, type EntityMetadata, type MigrationInterface } from 'typeorm';
import { MIGRATIONS_TABLE, runMigrations, withXid8 } from '@tributary/database';
import { createTestDatabase, type TestDatabase } from '@tributary/testing';

/**
 * Every TypeORM entity against the migrated catalog, both ways. A fresh database gets every app's and
 * lib's migrations (found on disk: `*.migration.ts` / `*.migrations.ts` under apps/ and libs/); every
 * entity (every `*.entity.ts`, and every exported `*_ENTITIES` array) gets TypeORM's metadata; then
 * - each entity's table exists, each of its columns exists with the same type (as Postgres names it:
 *   uuid, text, timestamptz, jsonb, int4, int8, bool, bytea, _text for text[]…), the same
 *   nullability, and the entity's primary key is the table's;
 * - each table of the schemas the apps and libs own has entities that map all of its columns
 *   (a partitioned table is mapped by its parent: partitions are left out).
 * The schemas are listed below: a migration creating another one fails the last case until it is added.
 */

const OWNED_SCHEMAS = ['gateway', 'tenancy', 'event_store', 'change_sink', 'worker', 'messaging', 'platform'] as const;

/** Schemas no app or lib owns: Postgres's own, and `public` (TypeORM's migrations table). */
const NOT_OWNED = ['public', 'information_schema'];

const root = process.cwd();

/** The .ts files under apps/ and libs/ (tests left out) whose names end in one of `suffixes`. */
function sourceFiles(...suffixes: string[]): string[] {
  return ['apps', 'libs'].flatMap((top) =>
    readdirSync(join(root, top), { recursive: true, encoding: 'utf8' })
      .filter((file) => suffixes.some((suffix) => file.endsWith(suffix)))
      .filter((file) => !/(^|\/)(node_modules|dist)\//.test(file) && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(file))
      .map((file) => join(root, top, file)),
  );
}

async function exportsOf(files: readonly string[]): Promise<unknown[]> {
  const modules: Array<Record<string, unknown>> = [];
  // One at a time: Jest's ESM loader fails imports linked concurrently ("request … is not in cache").
  for (const file of files) modules.push((await import(file)) as Record<string, unknown>);
  return modules.flatMap((m) => Object.values(m)).flatMap((value) => (Array.isArray(value) ? (value as unknown[]) : [value]));
}

type ColumnMetadata = EntityMetadata['columns'][number];
type EntityClass = new (...args: never[]) => object;

const isEntity = (value: unknown): value is EntityClass =>
  typeof value === 'function' && getMetadataArgsStorage().tables.some((table) => table.target === value && table.type !== 'view');

type MigrationClass = new () => MigrationInterface;
const isMigration = (value: unknown): value is MigrationClass =>
  typeof value === 'function' &&
  typeof (value.prototype as Partial<MigrationInterface> | undefined)?.up === 'function' &&
  typeof (value.prototype as Partial<MigrationInterface> | undefined)?.down === 'function';

/** Every migration class of the apps and libs, once each (a class is listed by its own file and by its app's list). */
async function allMigrations(): Promise<MigrationClass[]> {
  const byName = new Map<string, MigrationClass>();
  for (const value of await exportsOf(sourceFiles('.migration.ts', '.migrations.ts'))) {
    if (isMigration(value)) byName.set(new value().name ?? value.name, value);
  }
  return [...byName.values()];
}

/** Every entity: the classes of `*.entity.ts` files and the members of exported `*_ENTITIES` arrays (wherever they are). */
async function allEntities(): Promise<EntityClass[]> {
  const arrays = sourceFiles('.ts').filter((file) => /export const [A-Z][A-Z0-9_]*_ENTITIES\b/.test(readFileSync(file, 'utf8')));
  return [...new Set((await exportsOf([...sourceFiles('.entity.ts'), ...arrays])).filter(isEntity))];
}

interface CatalogColumn {
  readonly type: string;
  readonly nullable: boolean;
}

interface CatalogTable {
  readonly columns: Map<string, CatalogColumn>;
  readonly primaryKey: string[];
}

/** The tables of the database (partitions left out: their parent is the table), by `schema.table`. */
async function readCatalog(dataSource: DataSource): Promise<Map<string, CatalogTable>> {
  const tables = new Map<string, CatalogTable>();
  const rows = await dataSource.query<Array<{ schema: string; table: string; column: string; type: string; nullable: boolean; primary: boolean }>>(
    `SELECT n.nspname AS schema, c.relname AS table, a.attname AS column, t.typname AS type, NOT a.attnotnull AS nullable,
            EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary AND a.attnum = ANY (i.indkey)) AS primary
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       JOIN pg_type t ON t.oid = a.atttypid
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
      ORDER BY n.nspname, c.relname, a.attnum`,
  );
  for (const row of rows) {
    const key = `${row.schema}.${row.table}`;
    const table: CatalogTable = tables.get(key) ?? { columns: new Map(), primaryKey: [] };
    tables.set(key, table);
    table.columns.set(row.column, { type: row.type, nullable: row.nullable });
    if (row.primary) table.primaryKey.push(row.column);
  }
  return tables;
}

/** TypeORM's normalized type names as Postgres's catalog (pg_type.typname) spells them. */
const UDT: Record<string, string> = {
  integer: 'int4',
  int: 'int4',
  bigint: 'int8',
  smallint: 'int2',
  'character varying': 'varchar',
  character: 'bpchar',
  'timestamp with time zone': 'timestamptz',
  'timestamp without time zone': 'timestamp',
  'time with time zone': 'timetz',
  'time without time zone': 'time',
  boolean: 'bool',
  'double precision': 'float8',
  real: 'float4',
  decimal: 'numeric',
  'bit varying': 'varbit',
};

function entityType(dataSource: DataSource, column: ColumnMetadata): string {
  const normalized = dataSource.driver.normalizeType(column).toLowerCase();
  const type =
    normalized === 'enum'
      ? (column.enumName ?? `${column.entityMetadata.tableName}_${column.databaseName}_enum`).toLowerCase()
      : (UDT[normalized] ?? normalized);
  return column.isArray ? `_${type}` : type;
}

const tableOf = (metadata: EntityMetadata): string => `${metadata.schema ?? 'public'}.${metadata.tableName}`;
const described = (c: CatalogColumn): string => `${c.type} ${c.nullable ? 'NULL' : 'NOT NULL'}`;
const keyList = (columns: readonly string[]): string => `(${[...columns].sort().join(', ')})`;

/** What differs between the entities and the catalog, one line each, naming `schema.table[.column]` and both sides. */
function compare(dataSource: DataSource, catalog: Map<string, CatalogTable>, schemas: readonly string[]): string[] {
  const problems: string[] = [];
  const mapped = new Map<string, Set<string>>();
  for (const metadata of dataSource.entityMetadatas.filter((m) => m.tableType !== 'view')) {
    const name = tableOf(metadata);
    const entity = metadata.targetName;
    const table = catalog.get(name);
    if (!table) {
      problems.push(`${name}: entity ${entity} maps it, the catalog has no such table`);
      continue;
    }
    const columns = metadata.columns.filter((c) => !c.isVirtual && !c.isVirtualProperty);
    const seen = mapped.get(name) ?? new Set<string>();
    mapped.set(name, seen);
    for (const column of columns) {
      seen.add(column.databaseName);
      const expected = table.columns.get(column.databaseName);
      const actual = { type: entityType(dataSource, column), nullable: column.isNullable };
      if (!expected) {
        problems.push(`${name}.${column.databaseName}: entity ${entity} says ${described(actual)}, the catalog has no such column`);
      } else if (expected.type !== actual.type || expected.nullable !== actual.nullable) {
        problems.push(`${name}.${column.databaseName}: entity ${entity} says ${described(actual)}, the catalog says ${described(expected)}`);
      }
    }
    const primary = columns.filter((c) => c.isPrimary).map((c) => c.databaseName);
    if (keyList(primary) !== keyList(table.primaryKey)) {
      problems.push(`${name}: entity ${entity} says primary key ${keyList(primary)}, the catalog says ${keyList(table.primaryKey)}`);
    }
  }
  for (const [name, table] of catalog) {
    if (!schemas.includes(name.slice(0, name.indexOf('.')))) continue;
    const seen = mapped.get(name);
    if (!seen) {
      problems.push(`${name}: the catalog has it (columns ${[...table.columns.keys()].join(', ')}), no entity maps it`);
      continue;
    }
    for (const [column, c] of table.columns) {
      if (!seen.has(column)) problems.push(`${name}.${column}: the catalog says ${described(c)}, no entity of the table maps it`);
    }
  }
  return problems.sort();
}

const inSchema = (schema: string) => (problem: string) => problem.startsWith(`${schema}.`);

describe('entities and the migrated catalog', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let catalog: Map<string, CatalogTable>;
  let problems: string[];

  beforeAll(async () => {
    database = await createTestDatabase();
    const migrations = await allMigrations();
    const migrator = new DataSource({ type: 'postgres', url: database.url, migrations, migrationsTableName: MIGRATIONS_TABLE, extra: { max: 2 } });
    await migrator.initialize();
    try {
      await runMigrations(migrator);
    } finally {
      await migrator.destroy();
    }
    // Entities only, never `synchronize`: TypeORM builds their metadata, the catalog says what is there.
    dataSource = withXid8(new DataSource({ type: 'postgres', url: database.url, entities: await allEntities(), synchronize: false, extra: { max: 2 } }));
    await dataSource.initialize();
    catalog = await readCatalog(dataSource);
    problems = compare(dataSource, catalog, OWNED_SCHEMAS);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('found the migrations and entities to compare (the file patterns still match the tree)', () => {
    const schemasWithTables = new Set([...catalog.keys()].map((name) => name.slice(0, name.indexOf('.'))));
    expect(OWNED_SCHEMAS.filter((schema) => !schemasWithTables.has(schema))).toEqual([]);
    expect(dataSource.entityMetadatas.map(tableOf)).toEqual(expect.arrayContaining(['messaging.dead_letters', 'platform.instances']));
  });

  it.each(OWNED_SCHEMAS)('%s: every entity matches its table, every table and column has an entity', (schema) => {
    expect(problems.filter(inSchema(schema))).toEqual([]);
  });

  it('no entity maps a table outside the owned schemas', () => {
    expect(problems.filter((p) => !OWNED_SCHEMAS.some((schema) => inSchema(schema)(p)))).toEqual([]);
  });

  it('the migrations create tables only in the schemas listed here', () => {
    const schemas = new Set([...catalog.keys()].map((name) => name.slice(0, name.indexOf('.'))));
    expect([...schemas].filter((s) => !NOT_OWNED.includes(s) && !(OWNED_SCHEMAS as readonly string[]).includes(s))).toEqual([]);
  });

  describe('catches an entity that disagrees with its table', () => {
    /** `platform.instances` mapped wrongly in every way the comparison looks at. */
    @Entity({ schema: 'platform', name: 'instances' })
    class WrongInstanceEntity {
      @PrimaryColumn('text', { name: 'instance_id' })
      instanceId: string;

      @PrimaryColumn('text')
      app: string;

      /** int4 in the catalog. */
      @Column('bigint')
      pid: string;

      /** Nullable in the catalog. */
      @Column('integer', { name: 'connected_clients' })
      connectedClients: number;

      @Column('text', { array: true, nullable: true })
      tags: string[] | null;

      @Column('text', { name: 'host_name' })
      hostName: string;
    }

    @Entity({ schema: 'platform', name: 'no_such_table' })
    class MissingTableEntity {
      @PrimaryColumn('uuid')
      id: string;
    }

    let wrong: DataSource;

    beforeAll(async () => {
      wrong = new DataSource({ type: 'postgres', url: database.url, entities: [WrongInstanceEntity, MissingTableEntity], synchronize: false, extra: { max: 1 } });
      await wrong.initialize();
    });

    afterAll(async () => {
      await wrong?.destroy();
    });

    it('names each table.column and both sides', () => {
      const instances = new Map([...catalog].filter(([name]) => name === 'platform.instances'));
      expect(compare(wrong, instances, ['platform'])).toEqual(
        [
          'platform.instances.pid: entity WrongInstanceEntity says int8 NOT NULL, the catalog says int4 NOT NULL',
          'platform.instances.connected_clients: entity WrongInstanceEntity says int4 NOT NULL, the catalog says int4 NULL',
          'platform.instances.tags: entity WrongInstanceEntity says _text NULL, the catalog has no such column',
          'platform.instances.host_name: entity WrongInstanceEntity says text NOT NULL, the catalog has no such column',
          'platform.instances: entity WrongInstanceEntity says primary key (app, instance_id), the catalog says (instance_id)',
          'platform.instances.host: the catalog says text NOT NULL, no entity of the table maps it',
          'platform.instances.started_at: the catalog says timestamptz NOT NULL, no entity of the table maps it',
          'platform.instances.heartbeat_at: the catalog says timestamptz NOT NULL, no entity of the table maps it',
          'platform.no_such_table: entity MissingTableEntity maps it, the catalog has no such table',
        ].sort(),
      );
    });

    it('reports a table of an owned schema that no entity maps', () => {
      expect(compare(wrong, catalog, ['messaging'])).toEqual(
        expect.arrayContaining([expect.stringMatching(/^messaging\.dead_letters: the catalog has it \(columns id, group_id, .*\), no entity maps it$/)]),
      );
    });
  });
});
