import { escapeId } from 'mysql2/promise';
import pg, { escapeIdentifier as pgId } from 'pg';
import { DataSource } from 'typeorm';
import { connectSocket, createTestDatabase, createTestMysqlDatabase, eventually, type SocketClient, type TestDatabase } from '@tributary/testing';
import { loadChangeSinkConfig, type ChangeSinkConfig } from '../change-sink.config.js';
import { MysqlChangeSource } from './mysql-change-source.js';
import { PostgresChangeSource } from './postgres-change-source.js';
import { TriggerInstaller } from './trigger-installer.js';
import { startSink, type RunningSink } from '../change-sink-harness.js';

/** Column names the operator's tables may have: the configuration names none of them, the capture writes them all. */
const COLUMNS = [`it's`, 'back`tick', '"quoted"', 'back\\slash', 'dot.ted', `x"); DROP TABLE canary; --`, "x`), ('pwned"];

/** The configuration refuses such names; one that got past it anyway must still be quoted by the driver. */
const pastValidation = (config: ChangeSinkConfig, names: Partial<ChangeSinkConfig>): ChangeSinkConfig =>
  Object.assign(Object.create(Object.getPrototypeOf(config) as object) as ChangeSinkConfig, config, names);

const sinkEnv = (databaseUrl: string) => ({
  DATABASE_URL: databaseUrl,
  TABLE_NAMES: 'users,notes',
  AUTH_TABLE: 'users',
  AUTH_COLUMN: 'token',
  TENANT_COLUMN: 'org',
  TABLE_AUTH_COLUMN_ROUTING: JSON.stringify({ users: 'id', notes: '*' }),
});

const valuesOf = (tag: string) => Object.fromEntries(COLUMNS.map((c, i) => [c, `${tag} ${i}: '"\`\\`]));

/**
 * Table and column names holding quotes, backticks, backslashes and dots, and SQL that would run
 * if one broke out of its quoting: captured as they are on PostgreSQL and on MariaDB, and nothing runs.
 */
describe('change-sink capturing tables with unusual names (PostgreSQL)', () => {
  const SCHEMA = 'sch"ema';
  const TABLE = `n'o"t\\es.x"; DROP TABLE canary; --`;
  const TENANT = `te"n'ant\\`;
  const TOKEN = 'to"ken';
  const quotedTable = `${pgId(SCHEMA)}.${pgId(TABLE)}`;
  let database: TestDatabase;
  let db: pg.Client;
  let sink: RunningSink;
  const clients: SocketClient[] = [];
  const canaryRows = async () => Number((await db.query(`SELECT count(*) AS n FROM canary`)).rows[0].n);

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    const columns = COLUMNS.map((c) => `${pgId(c)} text`).join(', ');
    await db.query(`
      CREATE TABLE canary (id integer); INSERT INTO canary VALUES (1);
      CREATE TABLE users (id serial PRIMARY KEY, org text NOT NULL, name text NOT NULL, token text UNIQUE);
      CREATE TABLE notes (id serial PRIMARY KEY, org text NOT NULL, ${columns});
      CREATE SCHEMA ${pgId(SCHEMA)};
      CREATE TABLE ${quotedTable} (id serial PRIMARY KEY, ${pgId(TENANT)} text NOT NULL, ${pgId(TOKEN)} text, ${columns});`);
    sink = await startSink(sinkEnv(database.url));
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await sink?.close();
    await db?.end();
    await database?.drop();
  });

  it('delivers a row whose column names hold quotes, backticks, backslashes and dots, under those names', async () => {
    const token = `tok-${Math.random().toString(36).slice(2)}`;
    await db.query(`INSERT INTO users (org, name, token) VALUES ('acme', 'alice', $1)`, [token]);
    const client = connectSocket(sink.url, { token });
    clients.push(client);
    await client.ready;
    const values = valuesOf('note');
    await db.query(`INSERT INTO notes (org, ${COLUMNS.map(pgId).join(', ')}) VALUES ('acme', ${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`, Object.values(values));
    await eventually(async () => client.of('notes').length, (n) => n === 1);
    expect(client.of('notes')[0]).toEqual(expect.objectContaining({ table: 'notes', type: 'insert', data: { id: expect.any(Number), org: 'acme', ...values } }));
    expect(await canaryRows()).toBe(1);
  });

  it('captures, looks up tokens in and uninstalls from a table whose schema, name and tenant column hold quotes, backslashes and dots', async () => {
    const env = sinkEnv(database.url);
    const key = `${SCHEMA}.${TABLE}`;
    expect(() => loadChangeSinkConfig({ ...env, TABLE_NAMES: key })).toThrow(/TABLE_NAMES must be/);
    const config = pastValidation(loadChangeSinkConfig(env), { TABLE_NAMES: key, TENANT_COLUMN: TENANT, AUTH_TABLE: key, AUTH_COLUMN: TOKEN });
    const dataSource = sink.app.get(DataSource);
    const source = new PostgresChangeSource(dataSource, config, new TriggerInstaller(dataSource, config));
    await source.start();

    const values = valuesOf('row');
    await db.query(`INSERT INTO ${quotedTable} (${pgId(TENANT)}, ${pgId(TOKEN)}, ${pgId(COLUMNS[0])}) VALUES ('acme', 'tok-odd', 'first')`);
    await db.query(`UPDATE ${quotedTable} SET ${COLUMNS.map((c, i) => `${pgId(c)} = $${i + 1}`).join(', ')}`, Object.values(values));
    expect(await source.usersByToken(['tok-odd', 'tok-none'])).toEqual([{ token: 'tok-odd', userId: '1', tenantId: 'acme' }]);
    await db.query(`DELETE FROM ${quotedTable}`);

    const changes = async () =>
      (await db.query(`SELECT table_name, op, tenant_id, row, old_row FROM change_sink.changes WHERE table_schema = $1 ORDER BY id`, [SCHEMA])).rows;
    const first = { id: 1, [TENANT]: 'acme', [TOKEN]: 'tok-odd', ...Object.fromEntries(COLUMNS.map((c) => [c, null])), [COLUMNS[0]]: 'first' };
    const updated = { ...first, ...values };
    expect(await changes()).toEqual([
      { table_name: TABLE, op: 'insert', tenant_id: 'acme', row: first, old_row: null },
      { table_name: TABLE, op: 'update', tenant_id: 'acme', row: updated, old_row: first },
      { table_name: TABLE, op: 'delete', tenant_id: 'acme', row: null, old_row: updated },
    ]);

    await source.uninstall(key);
    const triggers = await db.query(`SELECT count(*) AS n FROM pg_trigger WHERE tgrelid = to_regclass($1) AND NOT tgisinternal`, [quotedTable]);
    expect(Number(triggers.rows[0].n)).toBe(0);
    await db.query(`INSERT INTO ${quotedTable} (${pgId(TENANT)}) VALUES ('acme')`);
    expect(await changes()).toHaveLength(3);
    expect(await canaryRows()).toBe(1);
  });
});

const mysql = await createTestMysqlDatabase();
const describeMysql = mysql.database ? describe : describe.skip;

describeMysql(`change-sink capturing tables with unusual names (MariaDB)${mysql.skipped ? ` (skipped: ${mysql.skipped})` : ''}`, () => {
  const my = mysql.database!;
  const TABLE = "n'o\"t`es.x\\); DROP TABLE canary; --";
  const OUTBOX = `out\`box'"`;
  const TENANT = "te\"n'ant`";
  const TOKEN = 'to`ken';
  const id = (name: string) => escapeId(name, true);
  let database: TestDatabase;
  let sink: RunningSink;
  const clients: SocketClient[] = [];
  const env = () => ({
    ...sinkEnv(database.url),
    MYSQL_DATABASE: my.database,
    MYSQL_HOST: my.host,
    MYSQL_PORT: String(my.port),
    MYSQL_USERNAME: my.user,
    ...(my.password ? { MYSQL_PASSWORD: my.password } : {}),
  });
  const canaryRows = async () => {
    const [rows] = await my.connection.query(`SELECT count(*) AS n FROM canary`);
    return Number((rows as Array<{ n: number }>)[0].n);
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    const columns = COLUMNS.map((c) => `${id(c)} TEXT`).join(', ');
    await my.connection.query(`
      CREATE TABLE canary (id INT); INSERT INTO canary VALUES (1);
      CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, org VARCHAR(32) NOT NULL, name VARCHAR(64) NOT NULL, token VARCHAR(128) UNIQUE);
      CREATE TABLE notes (id INT AUTO_INCREMENT PRIMARY KEY, org VARCHAR(32) NOT NULL, ${columns});
      CREATE TABLE ${id(TABLE)} (id INT AUTO_INCREMENT PRIMARY KEY, ${id(TENANT)} VARCHAR(32) NOT NULL, ${id(TOKEN)} VARCHAR(128), ${columns});`);
    sink = await startSink(env());
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await sink?.close();
    await database?.drop();
    await my.drop();
  });

  it('delivers a row whose column names hold quotes, backticks, backslashes and dots, under those names', async () => {
    const token = `tok-${Math.random().toString(36).slice(2)}`;
    await my.connection.query(`INSERT INTO users (org, name, token) VALUES ('acme', 'alice', ?)`, [token]);
    const client = connectSocket(sink.url, { token });
    clients.push(client);
    await client.ready;
    const values = valuesOf('note');
    await my.connection.query(`INSERT INTO notes (org, ${COLUMNS.map(id).join(', ')}) VALUES ('acme', ?)`, [Object.values(values)]);
    await eventually(async () => client.of('notes').length, (n) => n === 1, { timeoutMs: 20_000 });
    expect(client.of('notes')[0]).toEqual(expect.objectContaining({ table: 'notes', type: 'insert', data: { id: expect.any(Number), org: 'acme', ...values } }));
    expect(await canaryRows()).toBe(1);
  });

  it('captures, looks up tokens in and uninstalls from a table and outbox whose names hold quotes, backticks, backslashes and dots', async () => {
    expect(() => loadChangeSinkConfig({ ...env(), TABLE_NAMES: TABLE })).toThrow(/TABLE_NAMES must be/);
    const config = pastValidation(loadChangeSinkConfig(env()), {
      TABLE_NAMES: TABLE,
      TENANT_COLUMN: TENANT,
      AUTH_TABLE: TABLE,
      AUTH_COLUMN: TOKEN,
      MYSQL_TABLE_TARGET: OUTBOX,
    });
    const source = new MysqlChangeSource(sink.app.get(DataSource), config);
    await source.start();
    try {
      const values = valuesOf('row');
      await my.connection.query(`INSERT INTO ${id(TABLE)} (${id(TENANT)}, ${id(TOKEN)}, ${id(COLUMNS[0])}) VALUES ('acme', 'tok-odd', 'first')`);
      await my.connection.query(`UPDATE ${id(TABLE)} SET ${COLUMNS.map((c) => `${id(c)} = ?`).join(', ')}`, Object.values(values));
      expect(await source.usersByToken(['tok-odd', 'tok-none'])).toEqual([{ token: 'tok-odd', userId: '1', tenantId: 'acme' }]);
      await my.connection.query(`DELETE FROM ${id(TABLE)}`);

      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      const changes = async () =>
        (await admin.query(`SELECT op, tenant_id, row, old_row FROM change_sink.changes WHERE table_name = $1 AND source_type = 'mysql' ORDER BY id`, [TABLE])).rows;
      try {
        const first = { id: 1, [TENANT]: 'acme', [TOKEN]: 'tok-odd', ...Object.fromEntries(COLUMNS.map((c) => [c, null])), [COLUMNS[0]]: 'first' };
        const updated = { ...first, ...values };
        expect(await eventually(changes, (rows) => rows.length >= 3, { timeoutMs: 20_000 })).toEqual([
          { op: 'insert', tenant_id: 'acme', row: first, old_row: null },
          { op: 'update', tenant_id: 'acme', row: updated, old_row: first },
          { op: 'delete', tenant_id: 'acme', row: null, old_row: updated },
        ]);
      } finally {
        await admin.end();
      }

      await source.uninstall(TABLE);
      const [triggers] = await my.connection.query(`SELECT count(*) AS n FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? AND EVENT_OBJECT_TABLE = ?`, [
        my.database,
        TABLE,
      ]);
      expect(Number((triggers as Array<{ n: number }>)[0].n)).toBe(0);
      const [outbox] = await my.connection.query(`SELECT count(*) AS n FROM ${id(OUTBOX)} WHERE table_name = ?`, [TABLE]);
      expect(Number((outbox as Array<{ n: number }>)[0].n)).toBe(3);
      expect(await canaryRows()).toBe(1);
    } finally {
      await source.stop();
    }
  });
});
