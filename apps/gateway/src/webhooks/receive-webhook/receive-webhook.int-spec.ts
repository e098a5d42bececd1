import type { INestApplication } from '@nestjs/common';
import { createTestDatabase, readJson, testSecrets, type TestDatabase } from '@tributary/testing';
import { DataSource } from 'typeorm';
import { createGatewayApp, ensureAdminKey } from '../../gateway.app.js';
import { loadGatewayConfig } from '../../gateway.config.js';
import { signStandardWebhook } from './standard-webhooks.js';

describe('POST /webhooks/:webhookId', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let base: string;
  let webhook: { id: string; url: string; secret: string };

  const payload = { trackingId: 'PKG-1', carrier: 'DHL', status: 'In Transit', occurredAt: '2026-11-23T10:00:00Z' };

  const deliver = (body: string, opts: { id?: string; secret?: string; timestamp?: number; url?: string; headers?: Record<string, string> } = {}) => {
    const id = opts.id ?? `msg_${Math.random().toString(36).slice(2)}`;
    const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
    return fetch(opts.url ?? webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signStandardWebhook(opts.secret ?? webhook.secret, id, timestamp, body),
        ...opts.headers,
      },
      body,
    });
  };

  const messageCount = async () =>
    Number((await app.get(DataSource).query(`SELECT count(*) AS n FROM messaging.messages`))[0].n);

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = loadGatewayConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent', ...testSecrets() });
    app = await createGatewayApp(config);
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const { key: admin } = await ensureAdminKey(app);
    const admin_ = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
    const tenant = await readJson(await fetch(`${base}/v1/tenants`, { method: 'POST', headers: admin_, body: JSON.stringify({ name: 'acme' }) }));
    const created = await readJson(
      await fetch(`${base}/v1/tenants/${tenant.id}/webhooks`, {
        method: 'POST',
        headers: admin_,
        body: JSON.stringify({ topic: 'tracking.carrier-update.received' }),
      }),
    );
    webhook = { ...created, url: `${base}/webhooks/${created.id}` };
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('accepts a signed delivery with 202 and publishes one signed message', async () => {
    const before = await messageCount();
    const response = await deliver(JSON.stringify(payload));
    expect(response.status).toBe(202);
    const body = await readJson(response);
    expect(body).toEqual({ eventId: expect.stringMatching(/^[0-9a-f-]{36}$/), traceId: response.headers.get('x-trace-id') });
    const [message] = await app.get(DataSource).query(`SELECT envelope FROM messaging.messages WHERE message_id = $1`, [body.eventId]);
    expect(message.envelope).toMatchObject({ type: 'tracking.carrier-update.received', data: payload, subject: 'PKG-1' });
    expect(message.envelope.signature).toMatch(/^v1=test-k1,/);
    expect(await messageCount()).toBe(before + 1);
  });

  it('answers a repeated webhook-id with the original event and publishes nothing new', async () => {
    const body = JSON.stringify({ ...payload, trackingId: 'PKG-REPEAT' });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await readJson(await deliver(body, { id: 'msg_repeat' })));
    expect(new Set(answers.map((a) => a.eventId)).size).toBe(1);
    const rows = await app.get(DataSource).query(`SELECT count(*) AS n FROM messaging.messages WHERE envelope->'data'->>'trackingId' = 'PKG-REPEAT'`);
    expect(Number(rows[0].n)).toBe(1);
  });

  it('stores concurrent deliveries once each, repeats in the same batch included', async () => {
    const before = await messageCount();
    const sends = Array.from({ length: 20 }, (_, i) =>
      deliver(JSON.stringify({ ...payload, trackingId: `PKG-C${i % 16}` }), { id: i < 16 ? `msg_c${i}` : 'msg_c0' }),
    );
    const answers = await Promise.all(sends.map(async (r) => ({ status: (await r).status, body: await readJson(await r) })));
    expect(answers.every((a) => a.status === 202)).toBe(true);
    const first = answers[0].body.eventId;
    expect(answers.slice(16).map((a) => a.body.eventId)).toEqual([first, first, first, first]);
    expect(new Set(answers.map((a) => a.body.eventId)).size).toBe(16);
    expect(await messageCount()).toBe(before + 16);
  });

  it('continues the caller trace from traceparent', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await deliver(JSON.stringify(payload), { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    expect(response.headers.get('x-trace-id')).toBe(traceId);
    expect((await readJson(response)).traceId).toBe(traceId);
  });

  it.each([
    ['a wrong signature', () => deliver(JSON.stringify(payload), { secret: 'whsec_' + Buffer.alloc(24, 1).toString('base64') }), 401, 'signature_invalid'],
    ['no signature headers', () => fetch(webhook.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) }), 401, 'signature_missing'],
    ['a stale timestamp', () => deliver(JSON.stringify(payload), { timestamp: Math.floor(Date.now() / 1000) - 600 }), 401, 'timestamp_invalid'],
    ['an unknown webhook', () => deliver(JSON.stringify(payload), { url: `${base}/webhooks/0190f3b4-0000-7000-8000-000000000000` }), 404, 'webhook_not_found'],
    ['a webhook id that is not a uuid', () => deliver(JSON.stringify(payload), { url: `${base}/webhooks/nope` }), 404, 'webhook_not_found'],
    ['malformed JSON', () => deliver('{"trackingId": '), 400, 'invalid_json'],
    ['a payload missing fields', () => deliver(JSON.stringify({ trackingId: 'X' })), 400, 'payload_invalid'],
    ['a payload with a bad date', () => deliver(JSON.stringify({ ...payload, occurredAt: 'yesterday' })), 400, 'payload_invalid'],
  ])('rejects %s and publishes nothing', async (_, send, status, code) => {
    const before = await messageCount();
    const response = await send();
    expect(response.status).toBe(status);
    const body = await readJson(response);
    expect(body).toEqual({ error: { code, message: expect.any(String), ...(body.error.details ? { details: expect.anything() } : {}) }, traceId: response.headers.get('x-trace-id') });
    expect(JSON.stringify(body)).not.toContain(webhook.secret.slice(6));
    expect(await messageCount()).toBe(before);
  });
});
