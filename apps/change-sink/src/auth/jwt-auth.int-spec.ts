import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import pg from 'pg';
import { connectSocket, createTestDatabase, eventually, LogCapture, type SocketClient, type TestDatabase } from '@tributary/testing';
import { OPERATOR_SCHEMA_SQL, operatorEnv, startSink, type RunningSink } from '../change-sink-harness.js';

/** Tokens verified as JWTs (JWT_SECRET, JWKS_URL) instead of looked up in AUTH_TABLE. */
describe('change-sink JWT authentication', () => {
  let database: TestDatabase;
  let db: pg.Client;
  let jwks: Server;
  let hmacSink: RunningSink;
  let jwksSink: RunningSink;
  const clients: SocketClient[] = [];
  const secret = new TextEncoder().encode('a-long-shared-secret-for-hs256-tokens');
  let rsa: Awaited<ReturnType<typeof generateKeyPair>>;
  /** Both sinks' log lines, at debug level: neither the JWT secret nor a token may be in one. */
  const logs = new LogCapture();
  const tokens: string[] = [];

  const connect = (sink: RunningSink, token: string) => {
    tokens.push(token);
    const client = connectSocket(sink.url, { token });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    await db.query(OPERATOR_SCHEMA_SQL);
    rsa = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(rsa.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const env = { DATABASE_URL: database.url, ...operatorEnv() };
    hmacSink = await startSink({ ...env, JWT_SECRET: new TextDecoder().decode(secret) }, 0, logs);
    jwksSink = await startSink({ ...env, JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks` }, 0, logs);
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await hmacSink?.close();
    await jwksSink?.close();
    jwks?.close();
    await db?.end();
    await database?.drop();
  });

  const hs256 = (claims: Record<string, unknown>, expiresIn = '1h') =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(String(claims.sub)).setExpirationTime(expiresIn).sign(secret);

  it('authenticates HS256 tokens: the user id is `sub`, the tenant its claim; bad or expired tokens get 401', async () => {
    const alice = connect(hmacSink, await hs256({ sub: '501', tenant_id: 'acme' }));
    expect(await alice.ready).toEqual(expect.objectContaining({ userId: '501', code: 200 }));
    await db.query(`INSERT INTO docs (org, owner, body) VALUES ('acme', 501, 'for 501'), ('acme', 502, 'for 502'), ('other', 501, 'other tenant')`);
    await db.query(`INSERT INTO "targetStatuses" (org, label) VALUES ('acme', 'end')`);
    await eventually(async () => alice.of('targetStatuses').length, (n) => n === 1);
    expect(alice.of('docs').map((d) => d.data.body)).toEqual(['for 501']);

    const forged = await new SignJWT({ sub: '501', tenant_id: 'acme' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('another-secret-another-secret-xx'));
    const expired = await hs256({ sub: '501', tenant_id: 'acme' }, '-10s');
    const noTenant = await hs256({ sub: '501' });
    for (const token of [forged, expired, noTenant, 'not.a.jwt']) {
      await expect(connect(hmacSink, token).ready).rejects.toEqual({ code: 401, message: 'Unauthorized' });
    }
  });

  it('disconnects a client when its JWT expires', async () => {
    const exp = Math.floor(Date.now() / 1000) + 2;
    const token = await new SignJWT({ sub: '503', tenant_id: 'acme' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(exp).sign(secret);
    const client = connect(hmacSink, token);
    await client.ready;
    await eventually(async () => client.disconnects.length, (n) => n === 1, { timeoutMs: 20_000 });
    expect(client.of('error')).toEqual([{ code: 401, message: expect.stringContaining('Unauthorized') }]);
  });

  it('verifies RS256 tokens against JWKS_URL', async () => {
    const sign = (key: Parameters<SignJWT['sign']>[0]) =>
      new SignJWT({ tenant_id: 'acme' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('504').setExpirationTime('1h').sign(key);
    const ok = connect(jwksSink, await sign(rsa.privateKey));
    expect(await ok.ready).toEqual(expect.objectContaining({ userId: '504', code: 200 }));
    const stranger = await generateKeyPair('RS256');
    await expect(connect(jwksSink, await sign(stranger.privateKey)).ready).rejects.toEqual({ code: 401, message: 'Unauthorized' });
  });

  it('logs neither the JWT secret nor a token, valid, forged or expired', () => {
    expect(logs.lines.length).toBeGreaterThan(0);
    expect(tokens.length).toBeGreaterThanOrEqual(8);
    expect(logs.leaked([new TextDecoder().decode(secret), 'another-secret-another-secret-xx', ...tokens])).toEqual([]);
  });
});
