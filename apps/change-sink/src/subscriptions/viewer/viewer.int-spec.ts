import pg from 'pg';
import { ApiKeys, Tenants } from '@tributary/tenancy';
import { createTestDatabase, type TestDatabase } from '@tributary/testing';
import { OPERATOR_SCHEMA_SQL, operatorEnv, startSink, type RunningSink } from '../../change-sink-harness.js';

/**
 * `viewer` over GraphQL on HTTP: the caller the credential sent makes (a platform API key, an AUTH_TABLE token),
 * and a refused credential answered with its own code, as the platform's REST APIs answer it.
 */
describe('change-sink GraphQL viewer (HTTP)', () => {
  let database: TestDatabase;
  let db: pg.Client;
  let sink: RunningSink;
  let acme: { id: string; apiKey: string };
  let disabled: { id: string; apiKey: string };

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    await db.query(OPERATOR_SCHEMA_SQL);
    sink = await startSink({ DATABASE_URL: database.url, ...operatorEnv() });
    const tenants = new Tenants(new ApiKeys());
    const queryable = { query: (sql: string, params: unknown[]) => db.query(sql, params).then((r) => r.rows) } as never;
    acme = await tenants.create(queryable, 'acme');
    disabled = await tenants.create(queryable, 'initech');
    await db.query(`UPDATE tenancy.tenants SET disabled_at = now() WHERE id = $1`, [disabled.id]);
  });

  afterAll(async () => {
    await sink?.close();
    await db?.end();
    await database?.drop();
  });

  const viewer = async (token?: string) => {
    const response = await fetch(`${sink.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query: '{ viewer { tenantId userId } }' }),
    });
    const body = (await response.json()) as { data?: { viewer: unknown } | null; errors?: { extensions?: { code?: string } }[] };
    return body.errors ? { codes: body.errors.map((e) => e.extensions?.code) } : { viewer: body.data?.viewer };
  };

  it("answers a platform API key with its tenant, and an AUTH_TABLE token with the user's id and tenant", async () => {
    const [{ id }] = (await db.query(`INSERT INTO users (org, name, token) VALUES ('north', 'alice', 'tok-alice') RETURNING id`)).rows as { id: number }[];
    expect(await viewer(acme.apiKey)).toEqual({ viewer: { tenantId: acme.id, userId: null } });
    expect(await viewer('tok-alice')).toEqual({ viewer: { tenantId: 'north', userId: String(id) } });
  });

  it('refuses no credential and an unknown one with unauthenticated, a disabled tenant’s key with tenant_disabled', async () => {
    expect(await viewer()).toEqual({ codes: ['unauthenticated'] });
    expect(await viewer('tok-nobody')).toEqual({ codes: ['unauthenticated'] });
    expect(await viewer(`${acme.apiKey.slice(0, -4)}xxxx`)).toEqual({ codes: ['unauthenticated'] });
    expect(await viewer(disabled.apiKey)).toEqual({ codes: ['tenant_disabled'] });
  });
});
