import pg from 'pg';
import { ApiKeys, Tenants } from '@tributary/tenancy';
import {
  connectSocket,
  createTestDatabase,
  createTestMysqlDatabase,
  eventually,
  startTcpProxy,
  subscribe,
  type SocketClient,
  type Subscription,
  type TestDatabase,
} from '@tributary/testing';
import { startSink, type RunningSink } from '../change-sink-harness.js';

const mysql = await createTestMysqlDatabase();
const describeMysql = mysql.database ? describe : describe.skip;

interface Readiness {
  status: number;
  /** Ready: terminus's result; not ready: the platform's error body, the checks that are down in its details. */
  body: { info?: Record<string, unknown>; error?: { code: string; message: string; details?: { checks: Record<string, { status: string; message?: string }> } } };
}

const readiness = async (sink: RunningSink): Promise<Readiness> => {
  const response = await fetch(`${sink.url}/health/ready`);
  return { status: response.status, body: (await response.json()) as Readiness['body'] };
};

/** esink's deployment: the operator's tables only, its users authenticated by AUTH_TABLE, no tenant column. */
const ESINK = {
  CAPTURE_TABLES: '',
  TABLE_NAMES: 'users,games',
  AUTH_TABLE: 'users',
  AUTH_COLUMN: 'token',
  TABLE_AUTH_COLUMN_ROUTING: JSON.stringify({ users: 'id', games: 'hostUserId' }),
  FILTERS: 'users.token',
};

const PG_SCHEMA = `
  CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, token text UNIQUE);
  CREATE TABLE games (id serial PRIMARY KEY, "hostUserId" integer, title text);
`;

const PACKAGE_UPDATED = 'subscription ($trackingId: String) { packageUpdated(trackingId: $trackingId) { trackingId status } }';

/**
 * The change-sink deployed alone on the operator's database, as esink's users run it
 * (`CAPTURE_TABLES=`): ready once the operator's tables are captured — never waiting for a platform
 * table that does not exist there — and not ready, naming the table, once a capture trigger is gone.
 */
describe('change-sink alone on PostgreSQL, capturing only the operator tables (CAPTURE_TABLES empty)', () => {
  let database: TestDatabase;
  let db: pg.Client;
  let sink: RunningSink;
  const clients: SocketClient[] = [];
  const subscriptions: Subscription<unknown>[] = [];
  const env = () => ({ DATABASE_URL: database.url, ...ESINK });
  const user = async (name: string) => {
    const token = `tok-${name}-${Math.random().toString(36).slice(2)}`;
    const { rows } = await db.query(`INSERT INTO users (name, token) VALUES ($1, $2) RETURNING id`, [name, token]);
    return { id: rows[0].id as number, token };
  };
  const connected = async (token: string) => {
    const client = connectSocket(sink.url, { token });
    clients.push(client);
    await client.ready;
    return client;
  };
  const game = (hostUserId: number, title: string) => db.query(`INSERT INTO games ("hostUserId", title) VALUES ($1, $2)`, [hostUserId, title]);

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    await db.query(PG_SCHEMA);
    sink = await startSink(env());
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await Promise.all(subscriptions.map((s) => s.close()));
    await sink?.close();
    await db?.end();
    await database?.drop();
  });

  it("is ready on a database without the platform's schemas, and pushes an operator table's change to its authorized user only", async () => {
    const { rows } = await db.query(`SELECT nspname FROM pg_namespace WHERE nspname IN ('event_store', 'gateway', 'worker')`);
    expect(rows).toEqual([]);
    expect(await readiness(sink)).toMatchObject({ status: 200, body: { info: { capture: { status: 'up' } } } });

    const [alice, bob] = [await user('alice'), await user('bob')];
    const [a, b] = [await connected(alice.token), await connected(bob.token)];
    expect(await a.ready).toEqual(expect.objectContaining({ userId: String(alice.id), code: 200 }));
    await game(alice.id, 'chess');
    await game(bob.id, 'go');
    await eventually(async () => b.of('games').length, (n) => n === 1);
    await eventually(async () => a.of('games').length, (n) => n === 1);
    expect(a.of('games')).toEqual([
      expect.objectContaining({ table: 'games', type: 'insert', data: { id: expect.any(Number), hostUserId: alice.id, title: 'chess' }, source_type: 'postgres' }),
    ]);
    expect(b.of('games').map((g) => g.data.title)).toEqual(['go']);
  });

  it('answers packageUpdated with packages_not_captured at once, and goes on serving changes', async () => {
    const alice = await user('alice');
    const wsUrl = `${sink.url.replace(/^http/, 'ws')}/graphql`;
    const packages = subscribe(wsUrl, alice.token, PACKAGE_UPDATED, { trackingId: 'PKG-1' });
    subscriptions.push(packages);
    expect(await packages.failed).toEqual([
      expect.objectContaining({ message: expect.stringContaining('CAPTURE_TABLES'), extensions: { code: 'packages_not_captured', status: 404 } }),
    ]);

    const changes = subscribe<{ table: string; data: { title: string } }>(wsUrl, alice.token, 'subscription { changes(tables: ["games"]) { table data } }');
    subscriptions.push(changes);
    await changes.connected;
    // The subscription starts after the connection is acknowledged: write until it has seen one.
    await eventually(
      async () => {
        await game(alice.id, 'over graphql-ws');
        return changes.received.length;
      },
      (n) => n > 0,
      { intervalMs: 200 },
    );
    expect(changes.received[0]).toEqual({ table: 'games', data: expect.objectContaining({ title: 'over graphql-ws' }) });
  });

  it('is not ready, naming the table, while its capture trigger is disabled or dropped; a restart installs it again', async () => {
    const down = (reason: RegExp) => ({
      status: 503,
      body: { error: { code: 'not_ready', message: expect.stringMatching(/capture/), details: { checks: { capture: { status: 'down', message: expect.stringMatching(reason) } } } } },
    });
    await db.query(`ALTER TABLE games DISABLE TRIGGER tributary_capture`);
    expect(await readiness(sink)).toMatchObject(down(/^not captured: games \(its capture trigger tributary_capture was dropped or disabled; restart/));
    await db.query(`ALTER TABLE games ENABLE TRIGGER tributary_capture`);
    expect((await readiness(sink)).status).toBe(200);

    await db.query(`DROP TRIGGER tributary_capture ON games`);
    const notReady = await readiness(sink);
    expect(notReady).toMatchObject(down(/^not captured: games \(its capture trigger tributary_capture was dropped or disabled/));
    expect(notReady.body.error!.details!.checks.capture.message).not.toMatch(/users/);

    await sink.close();
    sink = await startSink(env());
    expect((await readiness(sink)).status).toBe(200);
    const carl = await user('carl');
    const c = await connected(carl.token);
    await game(carl.id, 'after the restart');
    await eventually(async () => c.of('games').map((g) => g.data.title), (titles) => titles.length === 1);
    expect(c.of('games').map((g) => g.data.title)).toEqual(['after the restart']);
  });

  it('refuses to start with nothing to capture, naming the variables', async () => {
    await expect(startSink({ DATABASE_URL: database.url, CAPTURE_TABLES: '' })).rejects.toThrow(
      /TABLE_NAMES: nothing to capture — CAPTURE_TABLES is empty and TABLE_NAMES names no table/,
    );
  });
});

/** The default: the platform's package projection, waited for until its app created it, then pushed. */
describe("change-sink with the default CAPTURE_TABLES (the platform's package projection)", () => {
  let database: TestDatabase;
  let db: pg.Client;
  let sink: RunningSink;
  const subscriptions: Subscription<unknown>[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    sink = await startSink({ DATABASE_URL: database.url });
  });

  afterAll(async () => {
    await Promise.all(subscriptions.map((s) => s.close()));
    await sink?.close();
    await db?.end();
    await database?.drop();
  });

  it('is not ready until event_store.package_status exists and is captured, then pushes packageUpdated', async () => {
    expect(await readiness(sink)).toMatchObject({
      status: 503,
      body: { error: { code: 'not_ready', details: { checks: { capture: { status: 'down', message: 'not captured: event_store.package_status (not installed yet: the table does not exist yet)' } } } } },
    });
    // What the event store's migration creates (its columns the subscription reads).
    await db.query(`CREATE SCHEMA event_store`);
    await db.query(`
      CREATE TABLE event_store.package_status (
        tenant_id uuid NOT NULL, tracking_id text NOT NULL, status text NOT NULL, carrier text NOT NULL, carrier_status text NOT NULL,
        updated_at timestamptz NOT NULL, last_event_id uuid NOT NULL, last_position bigint NOT NULL, PRIMARY KEY (tenant_id, tracking_id))`);
    await eventually(async () => (await readiness(sink)).status, (status) => status === 200, { timeoutMs: 15_000 });

    const acme = await new Tenants(new ApiKeys()).create({ query: (sql: string, params: unknown[]) => db.query(sql, params).then((r) => r.rows) } as never, 'acme');
    const updates = subscribe<{ trackingId: string; status: string }>(`${sink.url.replace(/^http/, 'ws')}/graphql`, acme.apiKey, PACKAGE_UPDATED, { trackingId: 'PKG-1' });
    subscriptions.push(updates);
    await updates.connected;
    let position = 0;
    await eventually(
      async () => {
        await db.query(
          `INSERT INTO event_store.package_status VALUES ($1, 'PKG-1', 'in_transit', 'dhl', 'On its way', now(), gen_random_uuid(), $2)
           ON CONFLICT (tenant_id, tracking_id) DO UPDATE SET last_position = EXCLUDED.last_position`,
          [acme.id, ++position],
        );
        return updates.received.length;
      },
      (n) => n > 0,
      { intervalMs: 200 },
    );
    expect(updates.received[0]).toEqual({ trackingId: 'PKG-1', status: 'in_transit' });
  });
});

describeMysql(`change-sink alone on MariaDB, capturing only the operator tables (CAPTURE_TABLES empty)${mysql.skipped ? ` (skipped: ${mysql.skipped})` : ''}`, () => {
  const my = mysql.database!;
  let database: TestDatabase;
  let sink: RunningSink;
  const clients: SocketClient[] = [];
  const env = () => ({
    DATABASE_URL: database.url,
    ...ESINK,
    MYSQL_DATABASE: my.database,
    MYSQL_HOST: my.host,
    MYSQL_PORT: String(my.port),
    MYSQL_USERNAME: my.user,
    ...(my.password ? { MYSQL_PASSWORD: my.password } : {}),
  });
  const user = async (name: string) => {
    const token = `tok-${name}-${Math.random().toString(36).slice(2)}`;
    const [result] = await my.connection.query(`INSERT INTO users (name, token) VALUES (?, ?)`, [name, token]);
    return { id: (result as { insertId: number }).insertId, token };
  };
  const connected = async (token: string) => {
    const client = connectSocket(sink.url, { token });
    clients.push(client);
    await client.ready;
    return client;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    await my.connection.query(`
      CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64) NOT NULL, token VARCHAR(128) UNIQUE);
      CREATE TABLE games (id INT AUTO_INCREMENT PRIMARY KEY, hostUserId INT, title TEXT);`);
    sink = await startSink(env());
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await sink?.close();
    await database?.drop();
    await my.drop();
  });

  it('is ready and pushes a MariaDB row change to its authorized user only', async () => {
    expect(await readiness(sink)).toMatchObject({ status: 200, body: { info: { capture: { status: 'up' } } } });
    const [alice, bob] = [await user('alice'), await user('bob')];
    const [a, b] = [await connected(alice.token), await connected(bob.token)];
    await my.connection.query(`INSERT INTO games (hostUserId, title) VALUES (?, 'chess'), (?, 'go')`, [alice.id, bob.id]);
    await eventually(async () => a.of('games').length + b.of('games').length, (n) => n === 2, { timeoutMs: 20_000 });
    expect(a.of('games')).toEqual([
      expect.objectContaining({ table: 'games', type: 'insert', data: { id: expect.any(Number), hostUserId: alice.id, title: 'chess' }, source_type: 'mysql' }),
    ]);
    expect(b.of('games').map((g) => g.data.title)).toEqual(['go']);
  });

  it('is not ready, naming the table, once a capture trigger is dropped; a restart installs it again', async () => {
    await my.connection.query('DROP TRIGGER `trb_games_au`');
    expect(await readiness(sink)).toMatchObject({
      status: 503,
      body: {
        error: {
          code: 'not_ready',
          details: { checks: { capture: { status: 'down', message: expect.stringMatching(/^not captured: games \(a capture trigger was dropped or lost with its table; restart/) } } },
        },
      },
    });
    await sink.close();
    sink = await startSink(env());
    expect((await readiness(sink)).status).toBe(200);
    const carl = await user('carl');
    const c = await connected(carl.token);
    await my.connection.query(`INSERT INTO games (hostUserId, title) VALUES (?, 'after the restart')`, [carl.id]);
    await my.connection.query(`UPDATE games SET title = 'updated after the restart' WHERE hostUserId = ?`, [carl.id]);
    await eventually(async () => c.of('games').length, (n) => n === 2, { timeoutMs: 20_000 });
    expect(c.of('games').map((g) => [g.type, g.data.title])).toEqual([
      ['insert', 'after the restart'],
      ['update', 'updated after the restart'],
    ]);
  });

  it("is not ready while MariaDB does not answer, without the driver's words, and ready again once it does", async () => {
    const proxy = await startTcpProxy(my.host, my.port);
    const proxied = await startSink({ ...env(), MYSQL_HOST: '127.0.0.1', MYSQL_PORT: String(proxy.port) });
    try {
      expect((await readiness(proxied)).status).toBe(200);
      proxy.cut();
      const cut = await readiness(proxied);
      expect(cut).toMatchObject({
        status: 503,
        body: { error: { code: 'not_ready', details: { checks: { capture: { status: 'down', message: 'the MySQL database did not answer (see the log)' } } } } },
      });
      proxy.restore();
      await eventually(async () => (await readiness(proxied)).status, (status) => status === 200);
    } finally {
      await proxied.close();
      await proxy.close();
    }
  });
});
