import pg from 'pg';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { ApiKeys, Tenants } from '@tributary/tenancy';
import { connectSocket, createTestDatabase, eventually, LogCapture, subscribe, type SocketClient, type Subscription, type TestDatabase } from '@tributary/testing';
import { OPERATOR_SCHEMA_SQL, operatorEnv, ROUTING, startSink, type RunningSink } from '../change-sink-harness.js';

interface Change {
  id: string;
  table: string;
  type: string;
  data: Record<string, unknown>;
  source: string;
  sourceType: string;
  timestamp: number;
  version: number;
}

const CHANGES = `subscription ($tables: [String!], $after: String) {
  changes(tables: $tables, after: $after) { id table type data source sourceType timestamp version }
}`;

/**
 * The guarantees beyond esink: graphql-ws with the same authorization, slow clients dropped while
 * the others keep receiving, revocation on graphql-ws, and several replicas serving their own
 * clients from the shared change stream (each change once per client, resumable on another replica).
 */
describe('change-sink delivery guarantees', () => {
  let database: TestDatabase;
  let db: pg.Client;
  let sinks: RunningSink[] = [];
  const clients: SocketClient[] = [];
  const subscriptions: Subscription<unknown>[] = [];
  const q = (sql: string, params: unknown[] = []) => db.query(sql, params).then((r) => r.rows);
  /** Both replicas' log lines, at debug level: no token or API key may be in one. */
  const logs = new LogCapture();
  const secrets: string[] = [];

  const user = async (org: string) => {
    const token = `tok-${org}-${Math.random().toString(36).slice(2)}`;
    secrets.push(token);
    const [row] = await q(`INSERT INTO users (org, name, token) VALUES ($1, 'someone', $2) RETURNING id`, [org, token]);
    return { id: row.id as number, org, token };
  };
  const socket = async (sink: RunningSink, auth: Record<string, unknown> | (() => Record<string, unknown>)) => {
    const client = connectSocket(sink.url, auth);
    clients.push(client);
    await client.ready;
    return client;
  };
  /** What the server itself reports: its connected clients (socket.io and graphql-ws). */
  const connectedClients = async (sink: RunningSink) => {
    const metrics = await (await fetch(`${sink.url}/metrics`)).text();
    return Number(/^tributary_connected_clients\{[^}]*\} (\d+)$/m.exec(metrics)?.[1]);
  };
  const dropped = async (sink: RunningSink, reason: string, transport: string) => {
    const metrics = await (await fetch(`${sink.url}/metrics`)).text();
    const line = metrics.split('\n').find((l) => l.startsWith('tributary_clients_dropped_total{') && l.includes(`reason="${reason}"`) && l.includes(`transport="${transport}"`));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };
  /** Inserts 20 kB rows for `org` until the server has dropped a client (or 2,000 rows). */
  const floodUntilDropped = async (sink: RunningSink, org: string) => {
    const before = await connectedClients(sink);
    const body = 'y'.repeat(20_000);
    let sent = 0;
    await eventually(
      async () => {
        await q(`INSERT INTO "targetStatuses" (org, label) SELECT $1, $2 || g FROM generate_series(1, 20) g`, [org, body]);
        sent += 20;
        return sent >= 2_000 || (await connectedClients(sink)) < before;
      },
      Boolean,
      { timeoutMs: 90_000, intervalMs: 20 },
    );
    expect(await connectedClients(sink)).toBe(before - 1);
    return sent;
  };

  const graphql = async (sink: RunningSink, token: string, variables: Record<string, unknown> = {}) => {
    const sub = subscribe<Change>(`${sink.url.replace(/^http/, 'ws')}/graphql`, token, CHANGES, variables, 'changes');
    subscriptions.push(sub);
    await sub.connected;
    return sub;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    await q(OPERATOR_SCHEMA_SQL);
    // A table routed by a jsonb column: a value whose comparison throws makes its routing rule fail for that row.
    await q(`CREATE TABLE tagged (id serial PRIMARY KEY, org text NOT NULL, owner jsonb, label text)`);
    const env = {
      DATABASE_URL: database.url,
      ...operatorEnv({
        TABLE_NAMES: 'users,games,pushNotifications,targetStatuses,docs,tagged',
        TABLE_AUTH_COLUMN_ROUTING: JSON.stringify({ ...JSON.parse(ROUTING), tagged: 'owner' }),
      }),
      CLIENT_BUFFER_BYTES: String(256 * 1024),
      CLIENT_BUFFER_CHANGES: '1000',
    };
    sinks = [await startSink(env, 0, logs), await startSink(env, 0, logs)];
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await Promise.all(subscriptions.map((s) => s.close()));
    for (const sink of sinks) await sink.close();
    await db?.end();
    await database?.drop();
  });

  it('serves graphql-ws `changes` with the socket.io rules: routing, tables, FILTERS, tenants, platform API keys', async () => {
    const tenants = new Tenants(new ApiKeys());
    const queryable = { query: q } as never;
    const acme = await tenants.create(queryable, 'acme');
    const globex = await tenants.create(queryable, 'globex');
    secrets.push(acme.apiKey, globex.apiKey);
    const alice = await user(acme.id);
    const [sink] = sinks;
    const aliceAll = await graphql(sink, alice.token);
    const aliceGames = await graphql(sink, alice.token, { tables: ['games'] });
    const acmeKey = await graphql(sink, acme.apiKey);
    const globexKey = await graphql(sink, globex.apiKey);

    await q(`INSERT INTO docs (org, owner, body) VALUES ($1, $2, 'mine')`, [acme.id, alice.id]);
    await q(`INSERT INTO docs (org, owner, body) VALUES ($1, $2, 'not mine')`, [acme.id, alice.id + 1000]);
    await q(`INSERT INTO games (org, "hostUserId", title) VALUES ($1, $2, 'chess')`, [acme.id, alice.id]);
    await q(`INSERT INTO games (org, "hostUserId", title) VALUES ($1, $2, 'other tenant')`, [globex.id, alice.id]);
    await q(`UPDATE users SET password = 'secret' WHERE id = $1`, [alice.id]);

    await eventually(async () => aliceAll.received.filter((c) => c.table !== 'users').length, (n) => n === 2);
    await eventually(async () => acmeKey.received.some((c) => c.table === 'users' && c.type === 'update'), Boolean);
    await eventually(async () => globexKey.received.length, (n) => n >= 1);
    expect(aliceAll.received.filter((c) => c.table !== 'users').map((c) => [c.table, c.data.body ?? c.data.title])).toEqual([
      ['docs', 'mine'],
      ['games', 'chess'],
    ]);
    expect(aliceAll.received.find((c) => c.table === 'docs')).toEqual({
      id: expect.stringMatching(/^\d+\.\d+$/),
      table: 'docs',
      type: 'insert',
      data: { id: expect.any(Number), org: acme.id, owner: alice.id, body: 'mine' },
      source: 'database',
      sourceType: 'postgres',
      timestamp: expect.any(Number),
      version: 1,
    });
    await eventually(async () => aliceAll.received.filter((c) => c.table === 'users' && c.type === 'update').length, (n) => n === 1);
    expect(aliceAll.received.filter((c) => c.table === 'users').every((c) => !('password' in c.data) && !('token' in c.data))).toBe(true);
    expect(aliceGames.received.map((c) => c.table)).toEqual(['games']);
    // A platform tenant's API key sees all of its tenant's rows, and nothing of another tenant.
    expect(acmeKey.received.every((c) => c.data.org === acme.id)).toBe(true);
    expect(acmeKey.received.map((c) => c.data.body ?? c.data.title).filter(Boolean)).toEqual(['mine', 'not mine', 'chess']);
    expect(globexKey.received.map((c) => c.data.title)).toEqual(['other tenant']);

    // Revoking the key closes its connection within seconds.
    await q(`UPDATE tenancy.api_keys SET revoked_at = now() WHERE tenant_id = $1`, [globex.id]);
    expect(await globexKey.failed).toMatchObject({ code: 4403 });
    expect(await dropped(sink, 'revoked', 'graphql-ws')).toBe(1);
    // So does disabling the tenant, on socket.io too.
    const initech = await tenants.create(queryable, 'initech');
    secrets.push(initech.apiKey);
    const initechSocket = await socket(sink, { token: initech.apiKey });
    expect(await initechSocket.ready).toEqual(expect.objectContaining({ userId: `tenant:${initech.id}`, code: 200 }));
    await q(`UPDATE tenancy.tenants SET disabled_at = now() WHERE id = $1`, [initech.id]);
    await eventually(async () => initechSocket.disconnects.length, (n) => n === 1, { timeoutMs: 20_000 });
    expect(initechSocket.of('error')).toEqual([{ code: 401, message: expect.stringContaining('Unauthorized') }]);

    const refused = subscribe(`${sink.url.replace(/^http/, 'ws')}/graphql`, 'tok-nobody', CHANGES);
    subscriptions.push(refused);
    expect(await refused.failed).toMatchObject({ code: 4403 });
  });

  it('drops a socket.io client that stops reading, with the others still receiving everything', async () => {
    const [sink] = sinks;
    const ann = await user('slow');
    const ben = await user('slow');
    const slow = await socket(sink, { token: ann.token });
    const fast = await socket(sink, { token: ben.token });
    // The slow client stops reading from its TCP connection: the server's buffers for it fill up.
    const tcp = (slow.socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void; resume(): void } } }).ws._socket;
    tcp.pause();
    const sent = await floodUntilDropped(sink, 'slow');
    expect(await dropped(sink, 'slow', 'socket.io')).toBe(1);
    // Once it reads again, it finds the connection closed.
    tcp.resume();
    await eventually(async () => slow.disconnects.length, (n) => n === 1, { timeoutMs: 30_000 });
    await eventually(async () => fast.of('targetStatuses').length, (n) => n === sent, { timeoutMs: 30_000 });
    expect(new Set(fast.of('targetStatuses').map((c) => c.id)).size).toBe(sent);
  });

  it('drops a graphql-ws subscriber that stops reading, with the others still receiving', async () => {
    const [sink] = sinks;
    const cal = await user('slowgql');
    const sockets: WebSocket[] = [];
    class TrackedWebSocket extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        sockets.push(this);
      }
    }
    let closed: { code: number; reason: string } | undefined;
    const client = createClient({
      url: `${sink.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: TrackedWebSocket,
      connectionParams: { token: cal.token },
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => undefined,
      on: { closed: (event) => (closed = event as { code: number; reason: string }) },
    });
    const slowReceived: Change[] = [];
    client.subscribe<{ changes: Change }>(
      { query: CHANGES },
      {
        next: ({ data }) => {
          if (data) slowReceived.push(data.changes);
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    const fast = await graphql(sink, cal.token);
    // Both subscriptions live on the server before the slow one stops reading: a doc committed now reaches them.
    // Paused before its subscribe message went out, the slow client would be sent nothing and never dropped.
    await eventually(
      async () => {
        await q(`INSERT INTO docs (org, owner, body) VALUES ('slowgql', $1, 'live')`, [cal.id]);
        return [slowReceived, fast.received].every((changes) => changes.some((c) => c.table === 'docs'));
      },
      Boolean,
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    (sockets[0] as unknown as { _socket: { pause(): void } })._socket.pause();
    const sent = await floodUntilDropped(sink, 'slowgql');
    expect(await dropped(sink, 'slow', 'graphql-ws')).toBe(1);
    (sockets[0] as unknown as { _socket: { resume(): void } })._socket.resume();
    // Its close frame (4429, with the reason) waits behind what it did not read: the server cuts the connection.
    await eventually(async () => closed, (c) => c !== undefined, { timeoutMs: 30_000 });
    await client.dispose();
    const statuses = () => fast.received.filter((c) => c.table === 'targetStatuses');
    await eventually(async () => statuses().length, (n) => n === sent, { timeoutMs: 30_000 });
    expect(new Set(statuses().map((c) => c.id)).size).toBe(sent);
  });

  it('gives a client connecting mid-stream exactly what commits after it connected: nothing before, no gap after', async () => {
    const [sink] = sinks;
    const owner = await user('seam');
    let written = 0;
    let writing = true;
    const writer = (async () => {
      while (writing) {
        await q(`INSERT INTO docs (org, owner, body) VALUES ('seam', $1, $2)`, [owner.id, String(written)]);
        written++;
      }
    })();
    const joined: Array<{ client: SocketClient; before: number; after: number }> = [];
    for (let i = 0; i < 12; i++) {
      const before = written;
      const client = await socket(sink, { token: owner.token });
      joined.push({ client, before, after: written });
      await new Promise((r) => setTimeout(r, 30));
    }
    writing = false;
    await writer;
    await q(`INSERT INTO "targetStatuses" (org, label) VALUES ('seam', 'end')`);
    for (const { client, before, after } of joined) {
      await eventually(async () => client.of('targetStatuses').length, (n) => n === 1);
      const got = client.of('docs').map((d) => Number(d.data.body));
      // Contiguous up to the last row, starting somewhere between what had committed before it
      // started connecting and what had committed once it was connected.
      expect(got).toEqual(Array.from({ length: got.length }, (_, k) => got[0] + k));
      expect(got.at(-1)).toBe(written - 1);
      expect(got[0]).toBeGreaterThanOrEqual(before);
      expect(got[0]).toBeLessThanOrEqual(after);
    }
  });

  it('serves clients from several replicas: each gets each change once, and resumes on another replica without a gap', async () => {
    const people = await Promise.all(Array.from({ length: 6 }, () => user('scale')));
    const connections = await Promise.all(people.map((p, i) => socket(sinks[i % 2], { token: p.token })));
    for (let i = 0; i < 30; i++) await q(`INSERT INTO docs (org, owner, body) VALUES ('scale', $1, $2)`, [people[i % 6].id, `doc-${i}`]);
    await q(`INSERT INTO "targetStatuses" (org, label) VALUES ('scale', 'end')`);
    for (const c of connections) await eventually(async () => c.of('targetStatuses').length, (n) => n === 1);
    connections.forEach((c, i) => {
      expect(c.of('docs').map((d) => d.data.body)).toEqual(Array.from({ length: 5 }, (_, k) => `doc-${i + 6 * k}`));
    });

    // The first person moves from replica 0 to replica 1, resuming after the last change it saw there.
    const [mover] = connections;
    const last = mover.of('changes').at(-1).id;
    mover.close();
    await q(`INSERT INTO docs (org, owner, body) VALUES ('scale', $1, 'while moving')`, [people[0].id]);
    const moved = await socket(sinks[1], { token: people[0].token, after: last });
    await q(`INSERT INTO docs (org, owner, body) VALUES ('scale', $1, 'after moving')`, [people[0].id]);
    await eventually(async () => moved.of('docs').length, (n) => n >= 2);
    await q(`INSERT INTO "targetStatuses" (org, label) VALUES ('scale', 'end 2')`);
    await eventually(async () => moved.of('targetStatuses').length, (n) => n === 1);
    expect(moved.of('docs').map((d) => d.data.body)).toEqual(['while moving', 'after moving']);
  });

  /** Resolves once `sub` is live: a `*` row committed now reaches it (rows committed before it started do not). */
  const live = async (org: string, ...subs: Subscription<Change>[]) => {
    const label = `live-${Math.random()}`;
    await eventually(
      async () => {
        await q(`INSERT INTO "targetStatuses" (org, label) VALUES ($1, $2)`, [org, label]);
        return subs.every((sub) => sub.received.some((c) => c.table === 'targetStatuses' && c.data.label === label));
      },
      Boolean,
      { timeoutMs: 20_000, intervalMs: 100 },
    );
  };
  const barrier = async (org: string, ...subs: Subscription<Change>[]) => {
    const label = `barrier-${Math.random()}`;
    await q(`INSERT INTO "targetStatuses" (org, label) VALUES ($1, $2)`, [org, label]);
    for (const sub of subs) await eventually(async () => sub.received.some((c) => c.table === 'targetStatuses' && c.data.label === label), Boolean, { timeoutMs: 20_000 });
  };

  it('resumes a graphql-ws `changes(after:)` subscription on another replica: what was missed, then live ones, no gap and no repeat', async () => {
    const fay = await user('resume');
    const first = await graphql(sinks[0], fay.token);
    await live('resume', first);
    await q(`INSERT INTO docs (org, owner, body) VALUES ('resume', $1, 'one')`, [fay.id]);
    const [seen] = await eventually(async () => first.received.filter((c) => c.table === 'docs'), (docs) => docs.length === 1);
    await first.close();

    await q(`INSERT INTO docs (org, owner, body) VALUES ('resume', $1, 'two'), ('resume', $1, 'three')`, [fay.id]);
    const resumed = await graphql(sinks[1], fay.token, { after: seen.id });
    await q(`INSERT INTO docs (org, owner, body) VALUES ('resume', $1, 'four')`, [fay.id]);
    await eventually(async () => resumed.received.filter((c) => c.table === 'docs').length, (n) => n >= 3);
    await barrier('resume', resumed);
    const docs = resumed.received.filter((c) => c.table === 'docs');
    expect(docs.map((d) => d.data.body)).toEqual(['two', 'three', 'four']);
    expect(new Set(docs.map((d) => d.id)).size).toBe(3);
    // With `tables`, the resumed stream holds only those tables' changes after the cursor.
    const onlyDocs = await graphql(sinks[0], fay.token, { after: seen.id, tables: ['docs'] });
    await eventually(async () => onlyDocs.received.length, (n) => n >= 3);
    await barrier('resume', resumed);
    expect(onlyDocs.received.map((d) => [d.table, d.data.body])).toEqual([
      ['docs', 'two'],
      ['docs', 'three'],
      ['docs', 'four'],
    ]);

    const bad = subscribe<Change>(`${sinks[0].url.replace(/^http/, 'ws')}/graphql`, fay.token, CHANGES, { after: 'not-a-cursor' }, 'changes');
    subscriptions.push(bad);
    expect(await bad.failed).toEqual([expect.objectContaining({ message: expect.stringContaining('after') })]);
  });

  it('keeps delivering when one table’s routing rule fails on a row: the other rows, tables and subscribers still get theirs', async () => {
    const tenants = new Tenants(new ApiKeys());
    const org = await tenants.create({ query: q } as never, 'routing');
    secrets.push(org.apiKey);
    const gil = await user(org.id);
    const socketClient = await socket(sinks[0], { token: gil.token });
    const gql = await graphql(sinks[1], gil.token);
    const tenantKey = await graphql(sinks[0], org.apiKey);
    await live(org.id, gql, tenantKey);

    // In one transaction (one read batch): rows around one whose routing value cannot be compared
    // (a jsonb object with its own "toString"), and a row of the same table that routes fine.
    await q(`BEGIN`);
    await q(`INSERT INTO docs (org, owner, body) VALUES ($1, $2, 'before')`, [org.id, gil.id]);
    await q(`INSERT INTO tagged (org, owner, label) VALUES ($1, '{"toString": 1}', 'poison')`, [org.id]);
    await q(`INSERT INTO docs (org, owner, body) VALUES ($1, $2, 'after')`, [org.id, gil.id]);
    await q(`INSERT INTO tagged (org, owner, label) VALUES ($1, to_jsonb($2::int), 'fine')`, [org.id, gil.id]);
    await q(`COMMIT`);
    await q(`INSERT INTO docs (org, owner, body) VALUES ($1, $2, 'later')`, [org.id, gil.id]);
    await q(`INSERT INTO "targetStatuses" (org, label) VALUES ($1, 'end')`, [org.id]);

    await eventually(async () => socketClient.of('targetStatuses').some((c) => c.data.label === 'end'), Boolean, { timeoutMs: 20_000 });
    for (const sub of [gql, tenantKey]) {
      await eventually(async () => sub.received.some((c) => c.table === 'targetStatuses' && c.data.label === 'end'), Boolean, { timeoutMs: 20_000 });
    }
    const of = (changes: Array<{ table: string; data: Record<string, unknown> }>) =>
      changes.filter((c) => c.table === 'docs' || c.table === 'tagged').map((c) => `${c.table}:${c.data.body ?? c.data.label}`);
    const expected = ['docs:before', 'docs:after', 'tagged:fine', 'docs:later'];
    expect(of(socketClient.of('changes'))).toEqual(expected);
    expect(of(gql.received)).toEqual(expected);
    // A tenant API key sees the tenant's every row without routing, the poisoned one included.
    expect(of(tenantKey.received)).toEqual(['docs:before', 'tagged:poison', 'docs:after', 'tagged:fine', 'docs:later']);
    // The failure is logged, with the table, and nothing else failed.
    const failures = logs.records().filter((r) => (r.level as number) >= 50);
    expect(failures.map((r) => [r.msg, r.table])).toEqual(expect.arrayContaining([['routing a change failed', 'tagged']]));
    expect(failures.filter((r) => r.table !== 'tagged')).toEqual([]);
  });

  it('logs no token or API key on either replica', () => {
    expect(logs.lines.length).toBeGreaterThan(0);
    expect(secrets.length).toBeGreaterThan(10);
    expect(logs.leaked(secrets)).toEqual([]);
  });
});
