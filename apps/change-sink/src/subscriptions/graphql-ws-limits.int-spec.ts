import pg from 'pg';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { ApiKeys, Tenants } from '@tributary/tenancy';
import { createTestDatabase, eventually, type TestDatabase } from '@tributary/testing';
import { OPERATOR_SCHEMA_SQL, operatorEnv, startSink, type RunningSink } from '../change-sink-harness.js';

/**
 * graphql-ws on the change-sink gets the checks of the HTTP endpoints: a subscribe message with a
 * NUL in an argument, or a document past the limits, is answered with an `error` message carrying
 * the code, and the connection goes on serving the client's other subscriptions.
 */
describe('change-sink graphql-ws limits', () => {
  let database: TestDatabase;
  let db: pg.Client;
  let sink: RunningSink;
  let client: Client;
  let closed: unknown;
  let tenant: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    await db.query(OPERATOR_SCHEMA_SQL);
    sink = await startSink({ DATABASE_URL: database.url, ...operatorEnv() });
    const acme = await new Tenants(new ApiKeys()).create({ query: (sql: string, params: unknown[]) => db.query(sql, params).then((r) => r.rows) } as never, 'acme');
    tenant = acme.id;
    client = createClient({
      url: `${sink.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${acme.apiKey}` },
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => undefined,
      on: { closed: (event) => (closed = event) },
    });
  });

  afterAll(async () => {
    await client?.dispose();
    await sink?.close();
    await db?.end();
    await database?.drop();
  });

  /** The codes of a subscription's `error` message, or the first value it pushes. */
  const outcome = (query: string, variables: Record<string, unknown> = {}) =>
    new Promise<{ codes?: unknown[]; value?: unknown }>((resolve) => {
      const dispose = client.subscribe(
        { query, variables },
        {
          next: (value) => {
            resolve({ value });
            dispose();
          },
          error: (errors) => resolve({ codes: (errors as { extensions?: { code?: unknown } }[]).map((e) => e.extensions?.code) }),
          complete: () => undefined,
        },
      );
    });

  it('refuses a NUL in an argument and a document past the limits with a coded error message, and keeps serving the connection', async () => {
    const changes = 'subscription ($tables: [String!]) { changes(tables: $tables) { table data } }';
    expect(await outcome(changes, { tables: ['docs\u0000'] })).toEqual({ codes: ['invalid_characters'] });
    expect(await outcome('subscription { changes(after: "1\\u0000") { table } }')).toEqual({ codes: ['invalid_characters'] });
    const aliases = Array.from({ length: 101 }, (_, i) => `a${i}: table`).join(' ');
    expect(await outcome(`subscription { changes { ${aliases} } }`)).toEqual({ codes: ['too_many_aliases'] });
    const deepType = `query { __type(name: "Change") { fields { type { ${'ofType { '.repeat(13)}name${' }'.repeat(13)} } } } }`;
    expect(await outcome(deepType)).toEqual({ codes: ['query_too_deep'] });

    const live = outcome(changes, { tables: ['targetStatuses'] });
    await eventually(
      async () => {
        await db.query(`INSERT INTO "targetStatuses" (org, label) VALUES ($1, 'still served')`, [tenant]);
        return Promise.race([live, new Promise((resolve) => setTimeout(() => resolve(undefined), 200))]);
      },
      Boolean,
    );
    expect(await live).toEqual({ value: { data: { changes: { table: 'targetStatuses', data: expect.objectContaining({ label: 'still served' }) } } } });
    expect(closed).toBeUndefined();
  });
});
