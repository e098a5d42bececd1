import pg from 'pg';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { ApiKeys, Tenants } from '@tributary/tenancy';
import { connectSocket, createTestDatabase, eventually, subscribe, type SocketClient, type Subscription, type TestDatabase } from '@tributary/testing';
import { OPERATOR_SCHEMA_SQL, operatorEnv, startSink, type RunningSink } from './change-sink-harness.js';

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

  const user = async (org: string) => {
    const token = `tok-${org}-${Math.random().toString(36).slice(2)}`;
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
    const env = { DATABASE_URL: database.url, ...operatorEnv(), CLIENT_BUFFER_BYTES: String(256 * 1024), CLIENT_BUFFER_CHANGES: '1000' };
    sinks = [await startSink(env), await startSink(env)];
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
    client.subscribe({ query: CHANGES }, { next: () => undefined, error: () => undefined, complete: () => undefined });
    const fast = await graphql(sink, cal.token);
    await eventually(async () => sockets.length, (n) => n === 1);
    await new Promise((r) => setTimeout(r, 200));
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
});
