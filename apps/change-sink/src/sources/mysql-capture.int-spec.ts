import { createConnection } from 'mysql2/promise';
import pg from 'pg';
import { connectSocket, createTestDatabase, createTestMysqlDatabase, eventually, type SocketClient, type TestDatabase } from '@tributary/testing';
import { uninstallCapture } from '../capture/uninstall-capture.js';
import { loadChangeSinkConfig } from '../change-sink.config.js';
import { operatorEnv, startSink, type RunningSink } from '../change-sink-harness.js';

const mysql = await createTestMysqlDatabase();
const describeMysql = mysql.database ? describe : describe.skip;

const MYSQL_SCHEMA = `
  CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, org VARCHAR(32) NOT NULL, name VARCHAR(64) NOT NULL, token VARCHAR(128) UNIQUE, password VARCHAR(64));
  CREATE TABLE games (id INT AUTO_INCREMENT PRIMARY KEY, org VARCHAR(32) NOT NULL, hostUserId INT, title TEXT);
  CREATE TABLE pushNotifications (id INT AUTO_INCREMENT PRIMARY KEY, org VARCHAR(32) NOT NULL, userID INT, senderID INT, recipientID INT, body TEXT);
  CREATE TABLE targetStatuses (id INT AUTO_INCREMENT PRIMARY KEY, org VARCHAR(32) NOT NULL, label VARCHAR(128));
  CREATE TABLE docs (id INT AUTO_INCREMENT PRIMARY KEY, org VARCHAR(32) NOT NULL, owner INT, body MEDIUMTEXT);
`;

/**
 * MariaDB capture: triggers into the MYSQL_TABLE_TARGET outbox, relayed into the change table from a
 * persisted cursor, delivered over socket.io with the same routing and isolation as PostgreSQL.
 */
describeMysql(`change-sink capturing MariaDB${mysql.skipped ? ` (skipped: ${mysql.skipped})` : ''}`, () => {
  const my = mysql.database!;
  let database: TestDatabase;
  let sink: RunningSink;
  const clients: SocketClient[] = [];
  const env = (extra: Record<string, string> = {}) => ({
    DATABASE_URL: database.url,
    ...operatorEnv(),
    MYSQL_DATABASE: my.database,
    MYSQL_HOST: my.host,
    MYSQL_PORT: String(my.port),
    MYSQL_USERNAME: my.user,
    ...(my.password ? { MYSQL_PASSWORD: my.password } : {}),
    MYSQL_TABLE_TARGET: "'esink_pubsub'",
    MYSQL_RETENTION_SECONDS: '1',
    ...extra,
  });
  const user = async (org: string) => {
    const token = `tok-${org}-${Math.random().toString(36).slice(2)}`;
    const [result] = await my.connection.query(`INSERT INTO users (org, name, token, password) VALUES (?, 'someone', ?, 'hunter2')`, [org, token]);
    return { id: (result as { insertId: number }).insertId, org, token };
  };
  const connected = async (auth: Record<string, unknown> | (() => Record<string, unknown>), reconnection = false) => {
    const client = connectSocket(sink.url, auth, { reconnection });
    clients.push(client);
    await client.ready;
    return client;
  };
  const barrier = async (org: string, ...waiting: SocketClient[]) => {
    const label = `barrier-${Math.random()}`;
    await my.connection.query(`INSERT INTO targetStatuses (org, label) VALUES (?, ?)`, [org, label]);
    for (const client of waiting) {
      await eventually(async () => client.of('targetStatuses').some((c) => c.data.label === label), Boolean, { timeoutMs: 20_000 });
    }
  };
  const outboxCount = async () => {
    const [rows] = await my.connection.query(`SELECT count(*) AS n FROM esink_pubsub`);
    return Number((rows as Array<{ n: number }>)[0].n);
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    await my.connection.query(MYSQL_SCHEMA);
    sink = await startSink(env());
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await sink?.close();
    await database?.drop();
    await my.drop();
  });

  it('refuses to start when the configuration names an unknown table or column', async () => {
    await expect(startSink(env({ TABLE_NAMES: 'users,nosuchtable', TABLE_AUTH_COLUMN_ROUTING: '{"users":"id"}' }))).rejects.toThrow(
      /TABLE_NAMES: table "nosuchtable" does not exist in the mysql database/,
    );
    await expect(startSink(env({ TABLE_AUTH_COLUMN_ROUTING: '{"games":["hostUserId","nosuchcolumn"]}' }))).rejects.toThrow(
      /TABLE_AUTH_COLUMN_ROUTING: table "games" has no column "nosuchcolumn"/,
    );
  });

  it('delivers MariaDB row changes by the routing, without FILTERS columns, never across users or tenants', async () => {
    const alice = await user('acme');
    const bob = await user('acme');
    const eve = await user('evil');
    const [a, b, e] = await Promise.all([connected({ token: alice.token }), connected({ token: bob.token }), connected({ token: eve.token })]);
    expect(await a.ready).toEqual(expect.objectContaining({ userId: String(alice.id), code: 200 }));

    await my.connection.query(`INSERT INTO games (org, hostUserId, title) VALUES ('acme', ?, 'chess')`, [alice.id]);
    await my.connection.query(`INSERT INTO pushNotifications (org, senderID, recipientID, body) VALUES ('acme', ?, ?, 'hi')`, [alice.id, bob.id]);
    // Same user id in another tenant: must not reach alice.
    await my.connection.query(`INSERT INTO games (org, hostUserId, title) VALUES ('evil', ?, 'leak')`, [alice.id]);
    await my.connection.query(`UPDATE users SET name = 'Alice' WHERE id = ?`, [alice.id]);
    await my.connection.query(`DELETE FROM games WHERE title = 'chess'`);
    await barrier('acme', a, b);
    await barrier('evil', e);

    expect(a.of('games').map((g) => [g.type, g.data.title])).toEqual([
      ['insert', 'chess'],
      ['delete', 'chess'],
    ]);
    expect(a.of('games')[0]).toEqual({
      id: expect.stringMatching(/^\d+\.\d+$/),
      table: 'games',
      type: 'insert',
      data: { id: expect.any(Number), org: 'acme', hostUserId: alice.id, title: 'chess' },
      source: 'database',
      source_type: 'mysql',
      timestamp: expect.any(Number),
      version: 1,
    });
    expect(a.of('users').filter((u) => u.type === 'update')).toEqual([
      expect.objectContaining({ data: { id: alice.id, org: 'acme', name: 'Alice' } }),
    ]);
    // (Its own user row's insert may reach a client too: a MySQL change counts as committed when the relay copies it.)
    const tables = (client: SocketClient) => client.of('changes').map((c) => c.table).filter((t) => t !== 'users');
    expect(tables(b)).toEqual(['pushNotifications', 'targetStatuses']);
    expect(tables(e)).toEqual(['targetStatuses']);
  });

  it('loses nothing to a transaction that commits after a later one (out-of-order auto-increment ids)', async () => {
    const carl = await user('acme');
    const c = await connected({ token: carl.token });
    const slow = await createConnection({ host: my.host, port: my.port, user: my.user, password: my.password, database: my.database });
    try {
      await slow.query('BEGIN');
      await slow.query(`INSERT INTO docs (org, owner, body) VALUES ('acme', ?, 'first id, committed last')`, [carl.id]);
      await my.connection.query(`INSERT INTO docs (org, owner, body) VALUES ('acme', ?, 'second id, committed first')`, [carl.id]);
      await eventually(async () => c.of('docs').length, (n) => n === 1);
      await slow.query('COMMIT');
    } finally {
      await slow.end();
    }
    await eventually(async () => c.of('docs').map((d) => d.data.body), (bodies) => bodies.length === 2);
    await barrier('acme', c);
    expect(c.of('docs').map((d) => d.data.body)).toEqual(['second id, committed first', 'first id, committed last']);
  });

  it('keeps the outbox across a restart: changes made while the service is down are delivered after it, once', async () => {
    const dora = await user('acme');
    let last: string | undefined;
    const d = connectSocket(sink.url, () => ({ token: dora.token, ...(last ? { after: last } : {}) }), { reconnection: true });
    clients.push(d);
    d.socket.on('docs', (change: { id: string }) => (last = change.id));
    await d.ready;
    await my.connection.query(`INSERT INTO docs (org, owner, body) VALUES ('acme', ?, 'before')`, [dora.id]);
    await eventually(async () => d.of('docs').length, (n) => n === 1);

    await sink.close();
    for (let i = 0; i < 5; i++) await my.connection.query(`INSERT INTO docs (org, owner, body) VALUES ('acme', ?, ?)`, [dora.id, `while-down-${i}`]);
    expect(await outboxCount()).toBeGreaterThanOrEqual(5);
    // Started again on the same port: the client reconnects by itself, resuming after the last change it saw.
    sink = await startSink(env(), Number(new URL(sink.url).port));
    await my.connection.query(`INSERT INTO docs (org, owner, body) VALUES ('acme', ?, 'after')`, [dora.id]);
    await eventually(async () => d.of('docs').length, (n) => n >= 7, { timeoutMs: 30_000 });
    await barrier('acme', d);
    expect(d.of('docs').map((x) => x.data.body)).toEqual(['before', 'while-down-0', 'while-down-1', 'while-down-2', 'while-down-3', 'while-down-4', 'after']);
  });

  it('relays each outbox row once with two replicas running, and both serve their clients', async () => {
    const second = await startSink(env());
    try {
      const [eva, fil] = [await user('acme'), await user('acme')];
      const e = await connected({ token: eva.token });
      const f = connectSocket(second.url, { token: fil.token });
      clients.push(f);
      await f.ready;
      for (let i = 0; i < 40; i++) await my.connection.query(`INSERT INTO docs (org, owner, body) VALUES ('acme', ?, ?)`, [i % 2 ? fil.id : eva.id, `both-${i}`]);
      await barrier('acme', e, f);
      expect(e.of('docs').map((d) => d.data.body)).toEqual(Array.from({ length: 20 }, (_, k) => `both-${2 * k}`));
      expect(f.of('docs').map((d) => d.data.body)).toEqual(Array.from({ length: 20 }, (_, k) => `both-${2 * k + 1}`));
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      try {
        const { rows } = await admin.query(`SELECT count(*) AS n, count(DISTINCT source_key) AS keys FROM change_sink.changes WHERE row->>'body' LIKE 'both-%'`);
        expect(rows[0]).toEqual({ n: '40', keys: '40' });
      } finally {
        await admin.end();
      }
    } finally {
      await second.close();
    }
  });

  it('prunes relayed outbox rows after the retention window, keeping the cursor', async () => {
    await my.connection.query(`INSERT INTO targetStatuses (org, label) VALUES ('acme', 'to prune')`);
    await eventually(outboxCount, (n) => n === 0, { timeoutMs: 30_000, intervalMs: 250 });
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      const { rows } = await admin.query(`SELECT position::text FROM change_sink.source_cursors WHERE source = $1`, [`mysql:${my.database}.esink_pubsub`]);
      expect(Number(rows[0].position)).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
  });

  it('uninstalls its MySQL triggers and keeps the outbox', async () => {
    await sink.close();
    expect(await uninstallCapture(loadChangeSinkConfig(env()))).toEqual({ uninstalled: ['users', 'games', 'pushNotifications', 'targetStatuses', 'docs'] });
    const before = await outboxCount();
    await my.connection.query(`INSERT INTO docs (org, owner, body) VALUES ('acme', 1, 'not captured')`);
    expect(await outboxCount()).toBe(before);
    const [triggers] = await my.connection.query(`SELECT count(*) AS n FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?`, [my.database]);
    expect(Number((triggers as Array<{ n: number }>)[0].n)).toBe(0);
    sink = await startSink(env());
  });
});
