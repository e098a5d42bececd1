import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { freePort, type Queryable } from '@tributary/database';
import { MessagePublisher, MessageSigner, PostgresMessageLog, type OutgoingMessage } from '@tributary/messaging';
import { ApiKeys, Tenants } from '@tributary/tenancy';
import { createTestDatabase, eventually, type TestDatabase } from '@tributary/testing';
import { Topics, type PackageStateChanged, type TopicDefinition } from '@tributary/topics';
import { AppProcess } from '../support/app-process.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';

const TOKEN = 'relay-credential-5f0c2b7d9e1a4c3b';

/** 40 parcels with consenting recipients, three transitions each: 120 mails. */
const PARCELS = 40;
const STATES = ['pre_transit', 'in_transit', 'out_for_delivery'] as const;
/** Mails the SMTP server answers before it holds its answers (their sends done and recorded, their batches maybe not committed). */
const ANSWERED_BEFORE_HOLD = 30;
/** Sends in flight (their mail's data with the server, its answer held) when the worker is killed. */
const MIN_IN_FLIGHT = 8;

/**
 * The worker as its own process, killed with SIGKILL while at least eight notification sends are in
 * flight — their intent committed, their mail's data with the SMTP server, its answer held back, so
 * the worker cannot know whether the server took them. After a restart nothing is lost: every
 * transition's mail arrives at least once, and only the mails in flight at the kill arrive again,
 * each with its original Message-ID (by which a receiving mail system drops the repeat).
 */
describe('notifications survive a kill -9 with sends in flight', () => {
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

  it('loses no notification, and repeats only those in flight at the kill, each with its original Message-ID', async () => {
    const tenant = await new Tenants(new ApiKeys()).create(q, 'acme');
    const parcels = Array.from({ length: PARCELS }, (_, i) => ({ trackingId: `PKG-${i + 1}`, email: `customer${i + 1}@example.com` }));
    for (const { trackingId, email } of parcels) {
      expect((await call(tenant.apiKey, 'PUT', `/v1/tracking/packages/${trackingId}/recipient`, { email, language: 'en', consent: true })).status).toBe(200);
    }

    // What the kill hit, printed when an assertion fails.
    const schedule: Record<string, unknown> = { parcels: PARCELS, transitions: PARCELS * STATES.length, answeredBeforeHold: ANSWERED_BEFORE_HOLD, minInFlight: MIN_IN_FLIGHT };
    try {
      smtp.holdAfter(ANSWERED_BEFORE_HOLD);
      const transitions: OutgoingMessage[] = parcels.flatMap(({ trackingId }) =>
        STATES.map((to, i) => ({
          topic: Topics.packageStateChanged,
          data: {
            trackingId,
            carrier: 'dhl',
            occurredAt: new Date(Date.UTC(2026, 11, 6, 8 + i)).toISOString(),
            ...(i > 0 ? { from: STATES[i - 1] } : {}),
            to,
            version: i + 1,
            carrierStatus: to,
          } satisfies PackageStateChanged,
          origin: { tenantId: tenant.id },
        })),
      );
      await sql.query('BEGIN');
      await publisher.publishAll(q, transitions);
      await sql.query('COMMIT');

      // Kill -9 once at least MIN_IN_FLIGHT sends wait for the server's answer.
      await eventually(async () => smtp.held.length, (n) => n >= MIN_IN_FLIGHT, { timeoutMs: 60_000, intervalMs: 20 });
      await worker.kill();
      logs.push(worker.log);
      // Until the SMTP server and the database have seen the last of the dead process.
      await eventually(async () => smtp.connections(), (n) => n === 0, { timeoutMs: 30_000 });
      await eventually(
        async () => Number((await sql.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)).rows[0].n),
        (n) => n === 0,
        { timeoutMs: 30_000 },
      );
      const heldAtKill = smtp.held.map((m) => m.messageId);
      const mailsAtKill = smtp.mails.length;
      const effectsAtKill: Array<{ identity: string; state: string }> = (await sql.query(`SELECT identity, state FROM worker.effects`)).rows;
      const startedAtKill = effectsAtKill.filter((e) => e.state === 'started');
      const inFlight = new Set(startedAtKill.map((e) => e.identity));
      Object.assign(schedule, { mailsAtKill, heldAtKill: heldAtKill.length, startedAtKill: startedAtKill.length, doneAtKill: effectsAtKill.length - startedAtKill.length });

      // The kill landed while sends were in flight: counted by the server (answers held) and by the journal
      // (intents committed without an outcome) — every held mail is one of those intents.
      expect(heldAtKill.length).toBeGreaterThanOrEqual(MIN_IN_FLIGHT);
      expect(startedAtKill.length).toBeGreaterThanOrEqual(MIN_IN_FLIGHT);
      expect(heldAtKill.filter((id) => !inFlight.has(id))).toEqual([]);
      expect(mailsAtKill).toBeLessThan(PARCELS * STATES.length);

      smtp.release();
      await start();
      const sent: Array<{ trackingId: string; version: number; recipient: string; messageId: string; confirmed: boolean; repeated: boolean }> = (
        await eventually(
          async () =>
            (await sql.query(`SELECT envelope FROM messaging.messages WHERE topic = $1 AND envelope->>'tenantid' = $2`, [Topics.notificationSent.name, tenant.id])).rows,
          (rows) => rows.length >= PARCELS * STATES.length,
          { timeoutMs: 120_000, intervalMs: 250 },
        )
      ).map((r) => r.envelope.data);
      Object.assign(schedule, { mailsAfter: smtp.mails.length });

      // One notification.sent per transition, each confirmed; `repeated` exactly where the kill left the send in flight.
      expect(new Set(sent.map((s) => `${s.trackingId}#${s.version}`)).size).toBe(PARCELS * STATES.length);
      expect(sent).toHaveLength(PARCELS * STATES.length);
      expect(sent.filter((s) => !s.confirmed)).toEqual([]);
      expect(sent.filter((s) => s.repeated).map((s) => s.messageId).sort()).toEqual([...inFlight].sort());

      // Nothing lost: every transition's mail arrived, to its customer, under its Message-ID.
      const received = new Map<string, string[][]>();
      for (const mail of smtp.mails) received.set(mail.messageId, [...(received.get(mail.messageId) ?? []), mail.to]);
      const recipientOf = new Map(parcels.map((p) => [p.trackingId, p.email]));
      for (const notification of sent) {
        expect(received.get(notification.messageId)?.[0]).toEqual([recipientOf.get(notification.trackingId)]);
      }
      expect([...received.keys()].sort()).toEqual(sent.map((s) => s.messageId).sort());
      // Repeats only for the sends in flight at the kill, at most one each; every held mail came again with its original Message-ID.
      const twice = [...received].filter(([, to]) => to.length > 1).map(([id]) => id);
      expect(twice.filter((id) => !inFlight.has(id))).toEqual([]);
      expect([...received.values()].filter((to) => to.length > 2)).toEqual([]);
      expect(heldAtKill.filter((id) => received.get(id)?.length !== 2)).toEqual([]);
      expect(smtp.mails.length - PARCELS * STATES.length).toBe(twice.length);

      // The journal says the same: every effect done under its Message-ID, repeated once where it was in flight.
      const effects: Array<{ identity: string; state: string; repeats: number }> = (await sql.query(`SELECT identity, state, repeats FROM worker.effects`)).rows;
      expect(effects).toHaveLength(PARCELS * STATES.length);
      expect(effects.filter((e) => e.state !== 'done')).toEqual([]);
      expect(effects.filter((e) => e.repeats !== (inFlight.has(e.identity) ? 1 : 0))).toEqual([]);
      expect(effects.map((e) => e.identity).sort()).toEqual(sent.map((s) => s.messageId).sort());
      // And the run records: the runs that sent a mail again say so (repeatedEffects on the runs API).
      const runs: Array<{ foreign_id: string; repeated_effects: number }> = (
        await sql.query(`SELECT foreign_id, repeated_effects FROM worker.runs WHERE method = 'notify-customer' AND state = 'ok'`)
      ).rows;
      expect(runs.filter((r) => r.repeated_effects > 0).map((r) => r.foreign_id).sort()).toEqual([...inFlight].sort());
      expect(runs.filter((r) => r.repeated_effects > 1)).toEqual([]);
    } catch (error) {
      if (error instanceof Error) error.message += `\nkill schedule: ${JSON.stringify(schedule)}`;
      throw error;
    }
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
