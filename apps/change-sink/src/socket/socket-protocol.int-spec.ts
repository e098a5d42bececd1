import pg from 'pg';
import { connectSocket, createTestDatabase, eventually, LogCapture, readJson, type SocketClient, type TestDatabase } from '@tributary/testing';
import { ApiKeys, Tenants } from '@tributary/tenancy';
import { CaptureLifecycle } from '../capture/capture-lifecycle.js';
import { uninstallCapture } from '../capture/uninstall-capture.js';
import { loadChangeSinkConfig } from '../change-sink.config.js';
import { OPERATOR_SCHEMA_SQL, operatorEnv, startSink, withClient, type RunningSink } from '../change-sink-harness.js';

/**
 * esink's socket.io protocol against a change-sink capturing a real PostgreSQL: authentication,
 * routing by column / column list / `*`, FILTERS, tenant and user isolation, large rows, resume,
 * revocation, /publish and /ping.
 */
/** The random clients and rows of one run come from this seed: TEST_SEED=<seed> replays a failed run. */
const seed = seedFrom(process.env.TEST_SEED);

/** A seed for a run: TEST_SEED when set, else a fresh one (printed in the test's name and in a failure's diff). */
function seedFrom(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return Math.floor(Math.random() * 2 ** 31);
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new Error(`TEST_SEED must be an integer, got "${value}"`);
  return parsed;
}

/** `random(n)`: an integer in [0, n), the next one the seed gives (mulberry32). */
function seededRandom(start: number): (n: number) => number {
  let state = start | 0;
  return (n) => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * n);
  };
}

describe('change-sink socket.io protocol (PostgreSQL capture)', () => {
  let database: TestDatabase;
  let db: pg.Client;
  let sink: RunningSink;
  const clients: SocketClient[] = [];
  let nextUser = 0;
  /** Every line the change-sink logs, at debug level: none may hold a token, SECURITY_TOKEN, a password column or the database password. */
  const logs = new LogCapture();
  const DB_PASSWORD = `pw-${Math.random().toString(36).slice(2)}-never-logged`;
  const ROW_PASSWORD = 'hunter2-row-password-filtered';
  const secrets: string[] = ['publish-secret', DB_PASSWORD, ROW_PASSWORD];

  const user = async (org: string, name = `user${++nextUser}`) => {
    const token = `tok-${org}-${name}-${Math.random().toString(36).slice(2)}`;
    secrets.push(token);
    const { rows } = await db.query(`INSERT INTO users (org, name, token, password) VALUES ($1, $2, $3, $4) RETURNING id`, [org, name, token, ROW_PASSWORD]);
    return { id: rows[0].id as number, org, token };
  };
  const connect = (auth: Record<string, unknown> | (() => Record<string, unknown>), reconnection = false) => {
    const client = connectSocket(sink.url, auth, { reconnection });
    clients.push(client);
    return client;
  };
  const connected = async (token: string) => {
    const client = connect({ token });
    await client.ready;
    return client;
  };
  /** A `*` row in `org` is a barrier: once a client has it, everything committed before reached it. */
  const barrier = async (org: string, ...waiting: SocketClient[]) => {
    const label = `barrier-${Math.random()}`;
    await db.query(`INSERT INTO "targetStatuses" (org, label) VALUES ($1, $2)`, [org, label]);
    for (const client of waiting) {
      await eventually(async () => client.of('targetStatuses').some((c) => c.data.label === label), Boolean, { timeoutMs: 20_000 });
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    await db.query(OPERATOR_SCHEMA_SQL);
    // The server trusts local connections, so a password in the URL is accepted (and must never be logged).
    const databaseUrl = new URL(database.url);
    databaseUrl.password = DB_PASSWORD;
    sink = await startSink({ DATABASE_URL: databaseUrl.toString(), ...operatorEnv() }, 0, logs);
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await sink?.close();
    await db?.end();
    await database?.drop();
  });

  it('answers a valid token with `connected`, and anything else with `error` 401 and a disconnect (no TEST backdoor)', async () => {
    const alice = await user('acme', 'alice');
    const ok = connect({ token: alice.token });
    expect(await ok.ready).toEqual({ sessionId: ok.socket.id, userId: String(alice.id), code: 200, message: 'Connected', cursor: expect.stringMatching(/^\d+\.\d+$/) });

    for (const auth of [{ token: 'TEST' }, { token: 'nope' }, {}, { token: 42 }, { token: '' }]) {
      const refused = connect(auth);
      await expect(refused.ready).rejects.toEqual({ code: 401, message: 'Unauthorized' });
      await eventually(async () => refused.disconnects.length, (n) => n === 1);
      expect(refused.socket.connected).toBe(false);
    }
  });

  it('routes by column, by a list of columns and to everyone with *, each change under its table and `changes`', async () => {
    const alice = await user('acme');
    const bob = await user('acme');
    const carol = await user('acme');
    const [a, b, c] = await Promise.all([connected(alice.token), connected(bob.token), connected(carol.token)]);

    await db.query(`INSERT INTO games (org, "hostUserId", title) VALUES ('acme', $1, 'chess')`, [alice.id]);
    await db.query(`INSERT INTO "pushNotifications" (org, "userID", "senderID", "recipientID", body) VALUES ('acme', NULL, $1, $2, 'hi')`, [alice.id, bob.id]);
    await barrier('acme', a, b, c);

    const [game] = a.of('games');
    expect(game).toEqual({
      id: expect.stringMatching(/^\d+\.\d+$/),
      table: 'games',
      type: 'insert',
      data: { id: expect.any(Number), org: 'acme', hostUserId: alice.id, title: 'chess' },
      source: 'database',
      source_type: 'postgres',
      timestamp: expect.any(Number),
      version: 1,
    });
    // Only what committed after `connected`: not the users' own rows, inserted just before.
    const tables = (client: SocketClient) => client.of('changes').map((x) => x.table);
    expect(tables(a)).toEqual(['games', 'pushNotifications', 'targetStatuses']);
    expect(a.of('changes').find((x) => x.table === 'games')).toEqual(game);
    expect(tables(b)).toEqual(['pushNotifications', 'targetStatuses']);
    expect(tables(c)).toEqual(['targetStatuses']);
    // A client listed in several of the columns still gets the change once.
    expect(a.of('pushNotifications')).toHaveLength(1);
  });

  it('gives clients on long-polling, upgrading to WebSocket and on WebSocket the same: every change once, in order, under its table and `changes`', async () => {
    const org = 'transports';
    const [p, u, w] = await Promise.all(
      (['polling', 'upgrade', 'websocket'] as const).map(async (kind) => {
        const { token } = await user(org);
        const transports = kind === 'polling' ? ['polling' as const] : kind === 'upgrade' ? ['polling' as const, 'websocket' as const] : undefined;
        const client = connectSocket(sink.url, { token }, { transports });
        clients.push(client);
        await client.ready;
        return client;
      }),
    );
    // Committed one by one while the second client is still upgrading from polling to WebSocket.
    const labels = Array.from({ length: 40 }, (_, i) => `t-${i}`);
    for (const label of labels) await db.query(`INSERT INTO "targetStatuses" (org, label) VALUES ($1, $2)`, [org, label]);
    await barrier(org, p, u, w);

    expect(u.socket.io.engine.transport.name).toBe('websocket');
    expect(p.socket.io.engine.transport.name).toBe('polling');
    for (const client of [p, u, w]) {
      expect(client.of('targetStatuses').map((c) => c.data.label).slice(0, labels.length)).toEqual(labels);
      expect(client.of('changes')).toEqual(client.of('targetStatuses'));
      expect(new Set(client.of('changes').map((c) => c.id)).size).toBe(client.of('changes').length);
    }
  });

  it('removes the FILTERS columns and sends the old row on delete', async () => {
    const dave = await user('acme');
    const d = await connected(dave.token);
    await db.query(`UPDATE users SET name = 'David' WHERE id = $1`, [dave.id]);
    await db.query(`INSERT INTO games (org, "hostUserId", title) VALUES ('acme', $1, 'go')`, [dave.id]);
    await db.query(`DELETE FROM games WHERE "hostUserId" = $1`, [dave.id]);
    await barrier('acme', d);

    expect(d.of('users')).toEqual([expect.objectContaining({ type: 'update', data: { id: dave.id, org: 'acme', name: 'David' } })]);
    expect(d.of('games').map((g) => [g.type, g.data.title])).toEqual([
      ['insert', 'go'],
      ['delete', 'go'],
    ]);
  });

  it(`never leaks a row to another user or another tenant, over many random clients and rows (TEST_SEED=${seed})`, async () => {
    const orgs = ['north', 'south'];
    const people = [];
    for (let i = 0; i < 12; i++) people.push(await user(orgs[i % 2]));
    // Some users have two connections; each connection must get exactly what its user may see.
    const sessions = await Promise.all([...people, ...people.slice(0, 4)].map(async (p) => ({ person: p, client: await connected(p.token) })));

    const expected = new Map<SocketClient, string[]>(sessions.map((s) => [s.client, []]));
    const random = seededRandom(seed);
    for (let i = 0; i < 120; i++) {
      const owner = people[random(people.length)];
      // The row's tenant is usually the owner's, sometimes the other one: an id matching across tenants must not leak.
      const org = random(4) === 0 ? orgs[(orgs.indexOf(owner.org) + 1) % 2] : owner.org;
      const tag = `row-${i}`;
      const kind = random(3);
      if (kind === 0) await db.query(`INSERT INTO games (org, "hostUserId", title) VALUES ($1, $2, $3)`, [org, owner.id, tag]);
      if (kind === 1) {
        const other = people[random(people.length)];
        await db.query(`INSERT INTO "pushNotifications" (org, "userID", "senderID", "recipientID", body) VALUES ($1, NULL, $2, $3, $4)`, [org, owner.id, other.id, tag]);
        for (const s of sessions) if (s.person.org === org && (s.person.id === owner.id || s.person.id === other.id)) expected.get(s.client)!.push(tag);
        continue;
      }
      if (kind === 2) await db.query(`INSERT INTO docs (org, owner, body) VALUES ($1, $2, $3)`, [org, owner.id, tag]);
      for (const s of sessions) if (s.person.org === org && s.person.id === owner.id) expected.get(s.client)!.push(tag);
    }
    for (const org of orgs) await barrier(org, ...sessions.filter((s) => s.person.org === org).map((s) => s.client));

    for (const { person, client } of sessions) {
      const got = client
        .of('changes')
        .filter((c) => c.table !== 'targetStatuses' && c.table !== 'users')
        .map((c) => c.data.title ?? c.data.body);
      // The seed is part of what is compared, so a failure's diff names it: TEST_SEED=<seed> replays the run.
      expect({ seed, user: person.id, got }).toEqual({ seed, user: person.id, got: expected.get(client) });
      expect(client.of('changes').every((c) => c.data.org === person.org)).toBe(true);
    }
  });

  it('captures a 20 kB row: the write succeeds and the whole row is delivered', async () => {
    const erin = await user('acme');
    const e = await connected(erin.token);
    const body = 'x'.repeat(20_000) + 'é';
    await db.query(`INSERT INTO docs (org, owner, body) VALUES ('acme', $1, $2)`, [erin.id, body]);
    await eventually(async () => e.of('docs'), (docs) => docs.length === 1);
    expect(e.of('docs')[0].data.body).toBe(body);
  });

  it('captures writes of an application connected as another database role, with no rights on the change table', async () => {
    const gil = await user('acme');
    const g = await connected(gil.token);
    const role = `operator_app_${Math.random().toString(36).slice(2, 10)}`;
    await db.query(`CREATE ROLE ${role}`);
    try {
      await db.query(`GRANT INSERT ON docs TO ${role}; GRANT USAGE ON SEQUENCE docs_id_seq TO ${role}`);
      await db.query(`BEGIN; SET LOCAL ROLE ${role}; INSERT INTO docs (org, owner, body) VALUES ('acme', ${gil.id}, 'as another role'); COMMIT`);
      await expect(db.query(`SET ROLE ${role}; SELECT count(*) FROM change_sink.changes`)).rejects.toThrow(/permission denied/);
    } finally {
      await db.query(`RESET ROLE`);
      await db.query(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
    }
    await eventually(async () => g.of('docs').map((d) => d.data.body), (bodies) => bodies.includes('as another role'));
  });

  it('keeps each tenant’s changes behind row-level security for tenant reads', async () => {
    const counts = async (tenant: string) =>
      withClient(database.url, async (c) => {
        await c.query(`BEGIN`);
        await c.query(`SELECT set_config('tributary.tenant_id', $1, true), set_config('role', 'tributary_tenant', true)`, [tenant]);
        const { rows } = await c.query(`SELECT count(*) AS all, count(*) FILTER (WHERE tenant_id = $1) AS own FROM change_sink.changes`, [tenant]);
        await c.query(`ROLLBACK`);
        return rows[0];
      });
    const acme = await counts('acme');
    expect(Number(acme.all)).toBeGreaterThan(0);
    expect(acme.all).toBe(acme.own);
  });

  it('resumes after the last change a client saw: what it missed first, then live ones, no gap and no repeat', async () => {
    const fay = await user('acme');
    const first = await connected(fay.token);
    await db.query(`INSERT INTO docs (org, owner, body) VALUES ('acme', $1, 'one')`, [fay.id]);
    const [seen] = await eventually(async () => first.of('docs'), (docs) => docs.length === 1);
    first.close();

    await db.query(`INSERT INTO docs (org, owner, body) VALUES ('acme', $1, 'two'), ('acme', $1, 'three')`, [fay.id]);
    const resumed = connect({ token: fay.token, after: seen.id });
    await resumed.ready;
    await db.query(`INSERT INTO docs (org, owner, body) VALUES ('acme', $1, 'four')`, [fay.id]);
    await eventually(async () => resumed.of('docs'), (docs) => docs.length >= 3);
    await barrier('acme', resumed);
    expect(resumed.of('docs').map((d) => d.data.body)).toEqual(['two', 'three', 'four']);

    const bad = connect({ token: fay.token, after: 'not-a-cursor' });
    await expect(bad.ready).rejects.toEqual({ code: 400, message: expect.stringContaining('after') });
  });

  it('resumes a client that saw no change yet from `connected`’s cursor: exactly what committed after it connected', async () => {
    const gil = await user('acme');
    await db.query(`INSERT INTO docs (org, owner, body) VALUES ('acme', $1, 'before')`, [gil.id]);
    const first = connect({ token: gil.token });
    const { cursor } = (await first.ready) as { cursor: string };
    expect(cursor).toMatch(/^\d+\.\d+$/);
    first.close();

    await db.query(`INSERT INTO docs (org, owner, body) VALUES ('acme', $1, 'missed')`, [gil.id]);
    const resumed = connect({ token: gil.token, after: cursor });
    // Resuming, `connected` gives back the cursor the client came with.
    expect(await resumed.ready).toMatchObject({ cursor });
    await db.query(`INSERT INTO docs (org, owner, body) VALUES ('acme', $1, 'live')`, [gil.id]);
    await barrier('acme', resumed);
    expect(resumed.of('docs').map((d) => d.data.body)).toEqual(['missed', 'live']);
  });

  it('disconnects a client within seconds when its token is revoked or its user row goes', async () => {
    const gus = await user('acme');
    const hal = await user('acme');
    const ida = await user('acme');
    const [g, h, i] = await Promise.all([connected(gus.token), connected(hal.token), connected(ida.token)]);
    await db.query(`UPDATE users SET token = 'rotated-' || id WHERE id = $1`, [gus.id]);
    await db.query(`DELETE FROM users WHERE id = $1`, [hal.id]);
    await eventually(async () => [g.disconnects.length, h.disconnects.length], ([x, y]) => x === 1 && y === 1, { timeoutMs: 20_000 });
    expect(g.of('error')).toEqual([{ code: 401, message: expect.stringContaining('Unauthorized') }]);
    expect(i.socket.connected).toBe(true);
    await barrier('acme', i);
  });

  it('tells a client resuming from before the retention window that changes were pruned', async () => {
    const pat = await user('acme');
    const p = await connected(pat.token);
    await db.query(`INSERT INTO docs (org, owner, body) VALUES ('acme', $1, 'old news')`, [pat.id]);
    const [seen] = await eventually(async () => p.of('docs'), (docs) => docs.length === 1);
    await db.query(`INSERT INTO docs (org, owner, body) VALUES ('acme', $1, 'missed, then pruned')`, [pat.id]);
    await db.query(`UPDATE change_sink.changes SET changed_at = now() - interval '30 days'`);
    await sink.app.get(CaptureLifecycle).prune();
    const late = connect({ token: pat.token, after: seen.id });
    await expect(late.ready).rejects.toEqual({ code: 400, message: expect.stringContaining('retention') });
  });

  it('publishes through POST /publish with esink’s codes, to one user or to everyone in the tenant', async () => {
    const jan = await user('pub');
    const kim = await user('pub');
    const lee = await user('other');
    const [j, k, l] = await Promise.all([connected(jan.token), connected(kim.token), connected(lee.token)]);
    const publish = (body: unknown, raw?: string) =>
      fetch(`${sink.url}/publish`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw ?? JSON.stringify(body) });
    const valid = { data: { hello: 'jan' }, type: 'insert', securityToken: 'publish-secret', userId: String(jan.id), table: 'notes', tenantId: 'pub' };

    const sent = await publish(valid);
    expect({ status: sent.status, body: await readJson(sent) }).toEqual({ status: 200, body: { sentTo: 1 } });
    const everyone = await publish({ ...valid, userId: '*', data: { hello: 'all' }, source: 'crm', version: 3, timestamp: 1_700_000_000_000 });
    expect(await readJson(everyone)).toEqual({ sentTo: 2 });
    await eventually(async () => k.of('notes'), (n) => n.length === 1);
    await eventually(async () => j.of('notes'), (n) => n.length === 2);
    expect(j.of('notes')[0]).toEqual({
      id: expect.stringMatching(/^\d+\.\d+$/),
      table: 'notes',
      type: 'insert',
      data: { hello: 'jan' },
      source: 'API',
      source_type: 'api',
      timestamp: expect.any(Number),
      version: 1,
    });
    expect(k.of('notes')).toEqual([expect.objectContaining({ data: { hello: 'all' }, source: 'crm', version: 3, timestamp: 1_700_000_000_000 })]);

    const before = Number((await db.query(`SELECT count(*) AS n FROM change_sink.changes WHERE source_type = 'api'`)).rows[0].n);
    const cases: Array<[unknown, number, string, string?]> = [
      [{ ...valid, securityToken: 'wrong' }, 401, 'security_token_invalid'],
      [{ ...valid, securityToken: undefined }, 401, 'security_token_invalid'],
      [{ ...valid, type: 'upsert' }, 400, 'validation_failed'],
      [{ ...valid, data: 'text' }, 400, 'validation_failed'],
      [{ ...valid, table: '' }, 400, 'validation_failed'],
      [{ ...valid, userId: undefined }, 400, 'validation_failed'],
      [{ ...valid, tenantId: undefined }, 400, 'validation_failed'],
      [{ ...valid, timestamp: 1e300 }, 400, 'validation_failed'],
      [{ ...valid, version: 2 ** 31 }, 400, 'validation_failed'],
      [{ ...valid, data: { hello: 'a\u0000b' } }, 400, 'invalid_characters'],
      [null, 400, 'invalid_json', '{"data":'],
    ];
    for (const [body, status, code, raw] of cases) {
      const response = await publish(body, raw);
      expect({ status: response.status, body: await readJson(response) }).toEqual({
        status,
        body: { error: expect.objectContaining({ code, message: expect.any(String) }), traceId: expect.any(String) },
      });
    }
    expect(Number((await db.query(`SELECT count(*) AS n FROM change_sink.changes WHERE source_type = 'api'`)).rows[0].n)).toBe(before);
    await barrier('other', l);
    expect(l.of('notes')).toEqual([]);

    const openapi = await readJson(await fetch(`${sink.url}/docs-json`));
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/publish', '/ping']));
    expect(Object.keys(openapi.paths['/publish'].post.responses)).toEqual(['200', '400', '401', '403']);

    const ping = await fetch(`${sink.url}/ping`);
    expect({ status: ping.status, body: await ping.text(), type: ping.headers.get('content-type') }).toEqual({
      status: 200,
      body: 'pong',
      type: expect.stringContaining('text/plain'),
    });
  });

  it('lets a client publish within its own tenant when ALLOW_REPUBLISHING is on', async () => {
    const max = await user('acme');
    const ned = await user('acme');
    const oli = await user('other');
    const [m, n, o] = await Promise.all([connected(max.token), connected(ned.token), connected(oli.token)]);
    const ack = await m.socket.emitWithAck('publish', { data: { ping: 1 }, type: 'update', userId: '*', table: 'chat', tenantId: 'other' });
    expect(ack).toEqual({ sentTo: expect.any(Number) });
    await eventually(async () => n.of('chat'), (c) => c.length === 1);
    const invalid = await m.socket.emitWithAck('publish', { data: { ping: 1 }, type: 'nope', userId: '*', table: 'chat' });
    expect(invalid).toEqual({ code: 400, message: expect.any(String) });
    expect(m.of('error')).toEqual([{ code: 400, message: expect.any(String) }]);
    // What PostgreSQL cannot store is refused as the caller's mistake, not failed as the server's (500).
    for (const bad of [{ data: { ping: 'a\u0000' } }, { timestamp: 1e300 }, { version: 2 ** 31 }]) {
      const refused = await m.socket.emitWithAck('publish', { data: { ping: 1 }, type: 'update', userId: '*', table: 'chat', ...bad });
      expect({ bad, refused }).toEqual({ bad, refused: { code: 400, message: expect.any(String) } });
    }
    await barrier('other', o);
    expect(o.of('chat')).toEqual([]);
  });

  it('uninstalls its triggers (`main.js uninstall`): the tables are written as before, nothing is captured', async () => {
    const config = loadChangeSinkConfig({ DATABASE_URL: database.url, ...operatorEnv() });
    expect(await uninstallCapture(config)).toEqual({ uninstalled: ['users', 'games', 'pushNotifications', 'targetStatuses', 'docs'] });
    const before = Number((await db.query(`SELECT count(*) AS n FROM change_sink.changes`)).rows[0].n);
    await db.query(`INSERT INTO docs (org, owner, body) VALUES ('acme', 1, 'not captured')`);
    expect(Number((await db.query(`SELECT count(*) AS n FROM change_sink.changes`)).rows[0].n)).toBe(before);
  });

  it('refuses to start when the configuration names an unknown table or column, installing no trigger', async () => {
    await db.query(`CREATE TABLE extra (id serial PRIMARY KEY, org text NOT NULL, owner integer)`);
    const triggersOnExtra = async () => Number((await db.query(`SELECT count(*) AS n FROM pg_trigger WHERE tgrelid = 'extra'::regclass AND NOT tgisinternal`)).rows[0].n);
    const refused = startSink({
      DATABASE_URL: database.url,
      ...operatorEnv({
        TABLE_NAMES: 'extra,users,nosuchtable',
        TABLE_AUTH_COLUMN_ROUTING: JSON.stringify({ extra: ['owner', 'nosuchcolumn'], users: 'id' }),
        FILTERS: 'users.password,users.nosuchcolumn',
        AUTH_COLUMN: 'nosuchtoken',
      }),
    });
    const error: Error = await refused.then(
      () => new Error('started'),
      (e: Error) => e,
    );
    // Every problem at once, each naming its variable.
    for (const problem of [
      'TABLE_NAMES: table "nosuchtable" does not exist in the postgres database',
      'TABLE_AUTH_COLUMN_ROUTING: table "extra" has no column "nosuchcolumn"',
      'FILTERS: table "users" has no column "nosuchcolumn"',
      'AUTH_TABLE: table "users" has no column "nosuchtoken"',
    ]) {
      expect(error.message).toContain(problem);
    }
    expect(await triggersOnExtra()).toBe(0);
    // The same configuration without the unknown names starts and captures the table.
    const fixed = await startSink({ DATABASE_URL: database.url, ...operatorEnv({ TABLE_NAMES: 'extra,users', TABLE_AUTH_COLUMN_ROUTING: JSON.stringify({ extra: 'owner', users: 'id' }) }) });
    await fixed.close();
    expect(await triggersOnExtra()).toBeGreaterThan(0);
  });

  it('logs at debug level without a token, the SECURITY_TOKEN, a filtered password or the database password', async () => {
    // A refused token and a refused publish are logged too.
    const refused = connect({ token: `${secrets.at(-1)}-wrong` });
    await expect(refused.ready).rejects.toEqual({ code: 401, message: 'Unauthorized' });
    const publish = await fetch(`${sink.url}/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: { x: 1 }, type: 'insert', securityToken: 'publish-secret-but-wrong', userId: '*', table: 't', tenantId: 'acme' }),
    });
    expect(publish.status).toBe(401);
    expect(logs.records().some((r) => r.msg === 'request completed' && (r.res as { statusCode: number }).statusCode === 401)).toBe(true);
    expect(logs.leaked([...secrets, `${secrets.at(-1)}-wrong`, 'publish-secret-but-wrong'])).toEqual([]);
  });
});

describe('change-sink socket.io: publishing switched off', () => {
  let database: TestDatabase;
  let sink: RunningSink;

  beforeAll(async () => {
    database = await createTestDatabase();
    sink = await startSink({ DATABASE_URL: database.url });
  });

  afterAll(async () => {
    await sink?.close();
    await database?.drop();
  });

  it('refuses a client’s socket.io publish with 403 when ALLOW_REPUBLISHING is off, publishing nothing', async () => {
    const tenants = new Tenants(new ApiKeys());
    const acme = await withClient(database.url, (c) => tenants.create({ query: (sql: string, params?: unknown[]) => c.query(sql, params).then((r) => r.rows) } as never, 'acme'));
    const [publisher, listener] = [connectSocket(sink.url, { token: acme.apiKey }), connectSocket(sink.url, { token: acme.apiKey })];
    try {
      await Promise.all([publisher.ready, listener.ready]);
      const stored = async () => withClient(database.url, async (c) => Number((await c.query(`SELECT count(*) AS n FROM change_sink.changes`)).rows[0].n));
      const before = await stored();
      const ack = await publisher.socket.emitWithAck('publish', { data: { hello: 1 }, type: 'insert', userId: '*', table: 'chat' });
      expect(ack).toEqual({ code: 403, message: expect.stringContaining('ALLOW_REPUBLISHING') });
      expect(publisher.of('error')).toEqual([{ code: 403, message: ack.message }]);
      expect(await stored()).toBe(before);
      // Still connected (a refused publish is not a disconnect), and nothing reached the tenant.
      expect(publisher.socket.connected).toBe(true);
      expect([publisher.of('chat'), listener.of('chat')]).toEqual([[], []]);
    } finally {
      publisher.close();
      listener.close();
    }
  });

  it('answers POST /publish with 403 when no SECURITY_TOKEN is configured', async () => {
    const response = await fetch(`${sink.url}/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: {}, type: 'insert', securityToken: 'x', userId: '*', table: 't' }),
    });
    expect({ status: response.status, body: await readJson(response) }).toEqual({
      status: 403,
      body: { error: { code: 'publishing_disabled', message: expect.any(String) }, traceId: expect.any(String) },
    });
  });
});
