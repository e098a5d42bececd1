import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { freePort, type Queryable } from '@tributary/database';
import { MessagePublisher, MessageSigner, PostgresMessageLog } from '@tributary/messaging';
import { ApiKeys, Tenants } from '@tributary/tenancy';
import { createTestDatabase, eventually, type TestDatabase } from '@tributary/testing';
import { Topics, type TopicDefinition } from '@tributary/topics';
import { AppProcess } from '../support/app-process.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';

const TOKEN = 'relay-credential-5f0c2b7d9e1a4c3b';

/**
 * The worker as its own process, killed with SIGKILL between handing a notification to the SMTP
 * server and recording that it did: after a restart the customer still gets exactly one mail.
 */
describe('a notification survives a kill -9 between sending and recording', () => {
  let db: TestDatabase;
  let sql: pg.Client;
  let smtp: SmtpSink;
  let worker: AppProcess;
  let port: number;
  let env: Record<string, string>;
  let receiver: Server;
  const logs: string[] = [];

  const q: Queryable = { query: async (text, params) => (await sql.query(text, params as unknown[])).rows };
  const signingKey = randomBytes(32).toString('base64');
  const publisher = new MessagePublisher('e2e', new MessageSigner({ active: { id: 'k1', secret: signingKey } }), new PostgresMessageLog(8));
  const publish = async <T extends object>(topic: TopicDefinition<T>, data: T, tenantId: string) => {
    await sql.query('BEGIN');
    await publisher.publish(q, topic, data, { tenantId });
    await sql.query('COMMIT');
  };
  const call = async (key: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${worker.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    logs.push(text);
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const start = async () => {
    worker = new AppProcess('integration-worker', port, env);
    await worker.start();
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    smtp = await startSmtpSink();
    receiver = createServer((_, response) => response.writeHead(401).end('{"error":"bad token"}'));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    port = await freePort();
    env = {
      DATABASE_URL: db.url,
      TRIBUTARY_SIGNING_KEY_ID: 'k1',
      TRIBUTARY_SIGNING_KEY: signingKey,
      TRIBUTARY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      SMTP_URL: smtp.url,
      CONSUMER_POLL_MS: '100',
      LOG_LEVEL: 'debug',
    };
    await start();
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  });

  afterAll(async () => {
    await worker?.stop();
    await sql?.end();
    await smtp?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
    await db?.drop();
  });

  it('sends the mail once, reconciles it as sent after the restart, and publishes the notification once', async () => {
    const tenant = await new Tenants(new ApiKeys()).create(q, 'acme');
    expect((await call(tenant.apiKey, 'PUT', '/v1/tracking/packages/PKG-K/recipient', { email: 'kim@example.com', language: 'en', consent: true })).status).toBe(200);

    let killed = false;
    smtp.onMail = async () => {
      if (killed) return;
      killed = true;
      await worker.kill(); // the mail is with the server; the worker never hears back
      logs.push(worker.log);
    };
    await publish(Topics.carrierUpdateReceived, { trackingId: 'PKG-K', carrier: 'dhl', status: 'Delivered', occurredAt: '2026-11-23T10:00:00Z' }, tenant.id);
    await eventually(async () => killed, (k) => k, { timeoutMs: 60_000 });
    expect(smtp.mails).toHaveLength(1);

    await start();
    const sent = await eventually(
      async () =>
        (
          await sql.query(`SELECT envelope FROM messaging.messages WHERE topic = $1 AND envelope->>'tenantid' = $2`, [Topics.notificationSent.name, tenant.id])
        ).rows,
      (rows) => rows.length === 1,
      { timeoutMs: 90_000, intervalMs: 250 },
    );
    expect(sent[0].envelope.data).toMatchObject({ trackingId: 'PKG-K', state: 'delivered', version: 1, channel: 'smtp', confirmed: false });
    expect(smtp.mails).toHaveLength(1);
    const [effect] = (await sql.query(`SELECT state, reconciled FROM worker.effects`)).rows;
    expect(effect).toEqual({ state: 'done', reconciled: true });
    const runs = (await sql.query(`SELECT state FROM worker.runs WHERE method = 'notify-customer' ORDER BY started_at`)).rows.map((r) => r.state);
    expect(runs.at(-1)).toBe('ok');
  });

  it('never writes a credential to a log line, an error, a response, a run record or a dead letter', async () => {
    const tenant = await new Tenants(new ApiKeys()).create(q, 'globex');
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
    const deployment = await call(tenant.apiKey, 'POST', '/v1/deployments', {
      integration: 'webhook-relay',
      name: 'relay',
      config: { url },
      credentials: { token: TOKEN },
      allowPrivateNetwork: true,
    });
    const action = await call(tenant.apiKey, 'POST', `/v1/deployments/${deployment.body.id}/actions`, { method: 'relay-state-change' });
    await call(tenant.apiKey, 'POST', '/v1/deployments', { integration: 'webhook-relay', name: 'bad', config: { url: 'nope' }, credentials: { token: TOKEN } });
    await publish(
      Topics.packageStateChanged,
      { trackingId: 'PKG-S', carrier: 'dhl', occurredAt: '2026-11-23T10:00:00.000Z', to: 'delivered', version: 1, carrierStatus: 'Delivered' },
      tenant.id,
    );
    // The endpoint rejects the token (401): the run fails for good and is dead-lettered. A run is listed from its
    // start (state init): wait until it has ended.
    const [run] = await eventually(
      async () => (await call(tenant.apiKey, 'GET', `/v1/runs?actionId=${action.body.id}`)).body.items,
      (items) => items.length === 1 && items[0].state !== 'init',
      { timeoutMs: 60_000 },
    );
    expect(run).toMatchObject({ state: 'fail', errorCode: 'upstream_rejected' });
    await eventually(async () => (await call(tenant.apiKey, 'GET', '/v1/dead-letters')).body.items, (items) => items.length === 1);
    const stored = (await sql.query(`SELECT row_to_json(r)::text AS t FROM worker.runs r UNION ALL SELECT row_to_json(d)::text FROM messaging.dead_letters d UNION ALL SELECT row_to_json(e)::text FROM worker.effects e`)).rows;
    expect(stored.map((r) => r.t).join('\n')).not.toContain(TOKEN);
    expect(logs.join('\n')).not.toContain(TOKEN);
    expect(worker.log).toContain('"level":'); // the worker did log (at debug)
    expect(worker.log).not.toContain(TOKEN);
  });
});
