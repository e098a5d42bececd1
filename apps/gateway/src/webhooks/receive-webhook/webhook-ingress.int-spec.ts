import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { SecretBox } from '@tributary/tenancy';
import { sendStandardWebhook, standardWebhookHeaders, testSecrets } from '@tributary/testing';
import {
  createTestDatabase,
  LogCapture,
  provisionTenant,
  readJson,
  startGateway,
  type Api,
  type RunningGateway,
  type TestDatabase,
} from '../../../../../test/support/gateway-harness.js';

const payload = { trackingId: 'PKG-1', carrier: 'DHL', status: 'In Transit', occurredAt: '2026-11-23T10:00:00Z' };
const UNKNOWN = '0190f3b4-0000-7000-8000-000000000000';

/**
 * The ingress contract on /webhooks/:webhookId, status by status, with senders that are not our
 * code (the `standardwebhooks` library; GitHub's and Stripe's documented schemes written out), and
 * after every rejection: nothing stored, nothing published.
 */
describe('webhook ingress /webhooks/:webhookId', () => {
  let db: TestDatabase;
  let gateway: RunningGateway;
  const logs = new LogCapture();
  const keys = testSecrets();
  const secrets: string[] = [keys.TRIBUTARY_SIGNING_KEY, keys.TRIBUTARY_ENCRYPTION_KEY];
  let tenant: Awaited<ReturnType<typeof provisionTenant>>;
  let owner: Api;
  let standard: { id: string; url: string; secret: string };
  const webhook = async (body: Record<string, unknown>) => {
    const created = await owner.create('/v1/webhooks', { appId: tenant.app.id, topic: 'tracking.carrier-update.received', ...body });
    secrets.push(created.secret);
    return created as { id: string; url: string; secret: string };
  };

  const counts = async () => {
    const [row] = await gateway.dataSource.query(
      `SELECT (SELECT count(*) FROM messaging.messages) AS messages, (SELECT count(*) FROM gateway.webhook_receipts) AS receipts`,
    );
    return { messages: Number(row.messages), receipts: Number(row.receipts) };
  };
  const envelopeOf = async (eventId: string) =>
    (await gateway.dataSource.query(`SELECT envelope FROM messaging.messages WHERE message_id = $1`, [eventId]))[0]?.envelope;

  /** Sends, then asserts the error answer and that nothing was stored or published. */
  const rejects = async (send: () => Promise<Response>, status: number, code: string) => {
    const before = await counts();
    const response = await send();
    const body = response.status === 405 && response.headers.get('allow') === null ? {} : await readJson(response);
    expect([response.status, body.error?.code]).toEqual([status, code]);
    expect(body).toEqual({ error: { code, message: expect.any(String), ...(body.error.details ? { details: expect.anything() } : {}) }, traceId: response.headers.get('x-trace-id') });
    expect(await counts()).toEqual(before);
    return Object.assign(response, { json: async () => body });
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    gateway = await startGateway(db.url, logs, {}, keys);
    secrets.push(gateway.admin.key!);
    tenant = await provisionTenant(gateway.admin, 'acme');
    owner = tenant.owner;
    secrets.push(tenant.tenant.apiKey, tenant.webhook.secret);
    standard = tenant.webhook;
  });

  afterAll(async () => {
    await gateway?.close();
    await db?.drop();
  });

  describe('Standard Webhooks (signed by the standardwebhooks library)', () => {
    it('accepts a valid delivery with 202 after storing one signed event', async () => {
      const before = await counts();
      const response = await sendStandardWebhook(standard.url, standard.secret, payload);
      expect(response.status).toBe(202);
      const body = await readJson(response);
      expect(body).toEqual({ eventId: expect.stringMatching(/^[0-9a-f-]{36}$/), traceId: response.headers.get('x-trace-id') });
      expect(await envelopeOf(body.eventId)).toMatchObject({
        type: 'tracking.carrier-update.received',
        data: payload,
        subject: 'PKG-1',
        tenantid: tenant.tenant.id,
        signature: expect.stringMatching(/^v1=test-k1,/),
      });
      expect(await counts()).toEqual({ messages: before.messages + 1, receipts: before.receipts + 1 });
    });

    it('stores the signing secret encrypted: not the secret nor its key bytes, and it opens only with the encryption key and for its own webhook', async () => {
      const [stored, ...more] = await gateway.dataSource.query(`SELECT sealed, sha256 FROM gateway.webhook_secrets WHERE webhook_id = $1`, [standard.id]);
      expect(more).toEqual([]);
      expect(stored.sha256).toBeNull();
      const sealed: string = stored.sealed;
      const keyBytes = Buffer.from(standard.secret.replace(/^whsec_/, ''), 'base64');
      expect(keyBytes.length).toBeGreaterThanOrEqual(24);
      for (const form of [standard.secret, standard.secret.replace(/^whsec_/, ''), keyBytes.toString('base64url'), keyBytes.toString('hex'), keyBytes.toString('latin1')]) {
        expect(sealed).not.toContain(form);
      }
      expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
      const aad = `webhook:${tenant.tenant.id}:${standard.id}`;
      expect(new SecretBox(keys.TRIBUTARY_ENCRYPTION_KEY).open(sealed, aad)).toBe(standard.secret);
      expect(() => new SecretBox(testSecrets().TRIBUTARY_ENCRYPTION_KEY).open(sealed, aad)).toThrow(expect.objectContaining({ code: 'secret_unreadable' }));
      expect(() => new SecretBox(keys.TRIBUTARY_ENCRYPTION_KEY).open(sealed, `webhook:${tenant.tenant.id}:${UNKNOWN}`)).toThrow(expect.objectContaining({ code: 'secret_unreadable' }));
      // Sealed with a fresh nonce: the same secret never gives the same column twice.
      const again = await owner.create('/v1/webhooks', { appId: tenant.app.id, topic: 'tracking.carrier-update.received', secret: standard.secret });
      const [copy] = await gateway.dataSource.query(`SELECT sealed FROM gateway.webhook_secrets WHERE webhook_id = $1`, [again.id]);
      expect(copy.sealed).not.toBe(sealed);
      expect(new SecretBox(keys.TRIBUTARY_ENCRYPTION_KEY).open(copy.sealed, `webhook:${tenant.tenant.id}:${again.id}`)).toBe(standard.secret);
    });

    it('answers a repeated webhook-id with the original event, also when repeats arrive together', async () => {
      const before = await counts();
      const body = { ...payload, trackingId: 'PKG-REPEAT' };
      const answers = [await readJson(await sendStandardWebhook(standard.url, standard.secret, body, { id: 'msg_repeat' }))];
      answers.push(...(await Promise.all([1, 2, 3].map(async () => readJson(await sendStandardWebhook(standard.url, standard.secret, body, { id: 'msg_repeat' }))))));
      expect(new Set(answers.map((a) => a.eventId)).size).toBe(1);
      expect(await counts()).toEqual({ messages: before.messages + 1, receipts: before.receipts + 1 });
    });

    it('accepts several signatures of which one matches, and a rotated secret with its predecessor during the overlap', async () => {
      const rotated = await owner.post(`/v1/webhooks/${standard.id}/secrets`, { overlapSeconds: 3600 });
      secrets.push(rotated.body.secret);
      const other = 'whsec_' + Buffer.alloc(24, 9).toString('base64');
      expect((await sendStandardWebhook(standard.url, standard.secret, payload)).status).toBe(202);
      expect((await sendStandardWebhook(standard.url, rotated.body.secret, payload)).status).toBe(202);
      expect((await sendStandardWebhook(standard.url, other, payload, { secrets: [other, rotated.body.secret] })).status).toBe(202);
      const old = (await owner.get(`/v1/webhooks/${standard.id}/secrets`)).body.find((s: { id: string }) => s.id !== rotated.body.id);
      await owner.delete(`/v1/webhooks/${standard.id}/secrets/${old.id}`);
      await rejects(() => sendStandardWebhook(standard.url, standard.secret, payload), 401, 'signature_invalid');
      standard = { ...standard, secret: rotated.body.secret };
    });

    it.each([
      ['a wrong secret', () => sendStandardWebhook(standard.url, 'whsec_' + Buffer.alloc(24, 1).toString('base64'), payload), 'signature_invalid'],
      ['an expired timestamp', () => sendStandardWebhook(standard.url, standard.secret, payload, { timestamp: Math.floor(Date.now() / 1000) - 301 }), 'timestamp_invalid'],
      ['a future-dated timestamp', () => sendStandardWebhook(standard.url, standard.secret, payload, { timestamp: Math.floor(Date.now() / 1000) + 301 }), 'timestamp_invalid'],
      [
        'a tampered body',
        () => {
          const body = JSON.stringify(payload);
          return fetch(standard.url, { method: 'POST', headers: standardWebhookHeaders(standard.secret, body), body: body.replace('PKG-1', 'PKG-2') });
        },
        'signature_invalid',
      ],
      ['no signature headers', () => fetch(standard.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) }), 'signature_missing'],
    ])('401 for %s', async (_, send, code) => {
      await rejects(send, 401, code);
    });

    it('400 for malformed JSON and for a payload failing the topic schema (after the signature)', async () => {
      await rejects(() => sendStandardWebhook(standard.url, standard.secret, '{"trackingId": '), 400, 'invalid_json');
      await rejects(() => sendStandardWebhook(standard.url, standard.secret, { trackingId: 'X' }), 400, 'payload_invalid');
      await rejects(() => sendStandardWebhook(standard.url, standard.secret, { ...payload, occurredAt: 'yesterday' }), 400, 'payload_invalid');
      await rejects(() => sendStandardWebhook(standard.url, standard.secret, [payload]), 400, 'payload_invalid');
    });

    it('continues the caller trace from traceparent', async () => {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const response = await sendStandardWebhook(standard.url, standard.secret, payload, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
      expect(response.headers.get('x-trace-id')).toBe(traceId);
      const { eventId, traceId: answered } = await readJson(response);
      expect(answered).toBe(traceId);
      expect((await envelopeOf(eventId)).traceparent).toContain(traceId);
    });
  });

  describe('404: unknown, malformed or disabled webhooks look alike', () => {
    it.each([
      ['an unknown id', () => `${gateway.base}/webhooks/${UNKNOWN}`],
      ['an id that is not a uuid', () => `${gateway.base}/webhooks/nope`],
    ])('%s, whatever the signature', async (_, url) => {
      await rejects(() => sendStandardWebhook(url(), standard.secret, payload), 404, 'webhook_not_found');
      await rejects(() => fetch(url(), { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer x' }, body: '{}' }), 404, 'webhook_not_found');
    });

    it('a disabled webhook', async () => {
      const off = await webhook({});
      await owner.patch(`/v1/webhooks/${off.id}`, { enabled: false });
      await rejects(() => sendStandardWebhook(off.url, off.secret, payload), 404, 'webhook_not_found');
      await owner.patch(`/v1/webhooks/${off.id}`, { enabled: true });
      expect((await sendStandardWebhook(off.url, off.secret, payload)).status).toBe(202);
    });
  });

  describe('403: the webhook is genuine but must not take deliveries', () => {
    it.each([
      ['the integration is disabled', 'integration_disabled', (t: Awaited<ReturnType<typeof provisionTenant>>) => t.owner.patch(`/v1/integrations/${t.integration.id}`, { enabled: false })],
      [
        'the subscription ran out',
        'subscription_required',
        (t: Awaited<ReturnType<typeof provisionTenant>>) =>
          gateway.admin.put(`/v1/tenants/${t.tenant.id}/integrations/${t.integration.id}/subscription`, { plan: 'standard', paidUntil: new Date(Date.now() - 1000).toISOString() }),
      ],
      [
        'the subscription was never paid',
        'subscription_required',
        (t: Awaited<ReturnType<typeof provisionTenant>>) =>
          gateway.admin.put(`/v1/tenants/${t.tenant.id}/integrations/${t.integration.id}/subscription`, { plan: 'standard', paidUntil: null }),
      ],
      ['the app is disabled', 'app_disabled', (t: Awaited<ReturnType<typeof provisionTenant>>) => t.owner.patch(`/v1/apps/${t.app.id}`, { enabled: false })],
      ['the tenant is disabled', 'tenant_disabled', (t: Awaited<ReturnType<typeof provisionTenant>>) => gateway.admin.patch(`/v1/tenants/${t.tenant.id}`, { enabled: false })],
    ])('when %s', async (_, code, change) => {
      const t = await provisionTenant(gateway.admin, `gated ${code}`);
      secrets.push(t.tenant.apiKey, t.webhook.secret);
      expect((await sendStandardWebhook(t.webhook.url, t.webhook.secret, payload)).status).toBe(202);
      await change(t);
      const response = await rejects(() => sendStandardWebhook(t.webhook.url, t.webhook.secret, payload), 403, code);
      if (code === 'subscription_required') expect((await readJson(response)).error.message).toBe('Active subscription required');
    });

    it('an app that no integration uses', async () => {
      const app = await owner.create('/v1/apps', { name: 'loose', vendor: 'gls' });
      const loose = await owner.create('/v1/webhooks', { appId: app.id, topic: 'tracking.carrier-update.received' });
      secrets.push(loose.secret);
      await rejects(() => sendStandardWebhook(loose.url, loose.secret, payload), 403, 'integration_disabled');
    });

    it('a wrong signature on a refused webhook is still a 401 (nothing is told before authentication)', async () => {
      const t = await provisionTenant(gateway.admin, 'gated-401');
      await t.owner.patch(`/v1/integrations/${t.integration.id}`, { enabled: false });
      await rejects(() => sendStandardWebhook(t.webhook.url, standard.secret, payload), 401, 'signature_invalid');
    });
  });

  describe('405, 413, 415: answered the same for every webhook id', () => {
    it.each(['PUT', 'DELETE', 'PATCH', 'OPTIONS'])('405 with Allow for %s', async (method) => {
      for (const url of [standard.url, `${gateway.base}/webhooks/${UNKNOWN}`]) {
        const response = await rejects(() => fetch(url, { method, headers: { 'content-type': 'application/json' }, body: method === 'OPTIONS' ? undefined : '{}' }), 405, 'method_not_allowed');
        expect(response.headers.get('allow')).toBe('GET, HEAD, POST');
      }
    });

    it('GET and HEAD never bypass verification; an authenticated GET to a POST-only scheme is 405 with its Allow', async () => {
      await rejects(() => fetch(standard.url), 401, 'signature_missing');
      const before = await counts();
      const head = await fetch(standard.url, { method: 'HEAD' });
      expect(head.status).toBe(401);
      expect(await counts()).toEqual(before);
      const signedGet = await rejects(() => fetch(standard.url, { headers: standardWebhookHeaders(standard.secret, '') }), 405, 'method_not_allowed');
      expect(signedGet.headers.get('allow')).toBe('POST');
    });

    it('413 over the body limit (1 MiB by default), declared or streamed', async () => {
      const big = JSON.stringify({ ...payload, carrier: 'x'.repeat(1024 * 1024) });
      await rejects(() => sendStandardWebhook(standard.url, standard.secret, big), 413, 'payload_too_large');
      const before = await counts();
      const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(standard.url, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode!, body: text }));
        });
        req.on('error', reject);
        for (let i = 0; i < 20; i++) req.write(Buffer.alloc(64 * 1024, 'a'));
        req.end();
      });
      expect([streamed.status, JSON.parse(streamed.body).error.code]).toEqual([413, 'payload_too_large']);
      expect(await counts()).toEqual(before);
    });

    it('415 for a body that is not JSON', async () => {
      const body = JSON.stringify(payload);
      for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
        await rejects(() => fetch(standard.url, { method: 'POST', headers: { ...standardWebhookHeaders(standard.secret, body), 'content-type': type }, body }), 415, 'unsupported_media_type');
      }
      expect((await fetch(standard.url, { method: 'POST', headers: { ...standardWebhookHeaders(standard.secret, body), 'content-type': 'application/json; charset=utf-8' }, body })).status).toBe(202);
    });
  });

  describe('429 with Retry-After', () => {
    it('when a webhook exceeds its own limit: the excess is refused and not stored', async () => {
      const limited = await webhook({ rateLimitPerSecond: 1 });
      const before = await counts();
      const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => sendStandardWebhook(limited.url, limited.secret, { ...payload, trackingId: `RL-${i}` })));
      const refused = answers.filter((r) => r.status === 429);
      const accepted = answers.filter((r) => r.status === 202);
      expect(refused.length).toBeGreaterThan(0);
      expect(accepted.length + refused.length).toBe(6);
      for (const r of refused) {
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect((await readJson(r)).error.code).toBe('rate_limited');
      }
      expect(await counts()).toEqual({ messages: before.messages + accepted.length, receipts: before.receipts + accepted.length });
    });

    it("when a tenant exceeds its limit across its webhooks", async () => {
      const t = await provisionTenant(gateway.admin, 'busy');
      secrets.push(t.tenant.apiKey, t.webhook.secret);
      await gateway.admin.patch(`/v1/tenants/${t.tenant.id}`, { rateLimitPerSecond: 1 });
      const second = await t.owner.create('/v1/webhooks', { appId: t.app.id, topic: 'tracking.carrier-update.received' });
      secrets.push(second.secret);
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 ? sendStandardWebhook(second.url, second.secret, payload) : sendStandardWebhook(t.webhook.url, t.webhook.secret, payload))),
      );
      const refused = answers.filter((r) => r.status === 429);
      const accepted = answers.filter((r) => r.status === 202);
      expect(refused.length).toBeGreaterThan(0);
      expect(accepted.length + refused.length).toBe(6);
      for (const r of refused) {
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect((await readJson(r)).error.code).toBe('rate_limited');
      }
      // Nothing of the refused deliveries was stored or published: only the accepted ones, for this tenant.
      const [stored] = await gateway.dataSource.query(
        `SELECT (SELECT count(*)::int FROM messaging.messages WHERE envelope->>'tenantid' = $1) AS messages,
                (SELECT count(*)::int FROM gateway.webhook_receipts WHERE webhook_id = ANY($2::uuid[])) AS receipts`,
        [t.tenant.id, [t.webhook.id, second.id]],
      );
      expect(stored).toEqual({ messages: accepted.length, receipts: accepted.length });
    });
  });

  describe('other verifiers', () => {
    it('GitHub X-Hub-Signature-256, keyed by X-GitHub-Delivery', async () => {
      const hook = await webhook({ verifier: 'github', secret: "It's a Secret to Everybody" });
      const body = JSON.stringify({ ...payload, trackingId: 'GH-1' });
      const sign = (key: string) => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
      const send = (signature: string, delivery = '72d3162e-cc78-11e3-81ab-4c9367dc0958') =>
        fetch(hook.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature, 'x-github-delivery': delivery }, body });
      const first = await send(sign(hook.secret));
      expect(first.status).toBe(202);
      expect((await readJson(await send(sign(hook.secret)))).eventId).toBe((await readJson(first)).eventId);
      await rejects(() => send(sign('another secret entirely'), 'other-delivery'), 401, 'signature_invalid');
      await rejects(() => fetch(hook.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }), 401, 'signature_missing');
    });

    it('Stripe t=,v1= with the secret Stripe issued and a tolerance', async () => {
      const hook = await webhook({ verifier: 'stripe', secret: 'whsec_stripe_issued_0123456789abcdef' });
      const body = JSON.stringify({ ...payload, trackingId: 'ST-1' });
      const header = (t: number, key = hook.secret) => `t=${t},v1=${createHmac('sha256', key).update(`${t}.${body}`).digest('hex')}`;
      const send = (value: string) => fetch(hook.url, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': value }, body });
      const now = Math.floor(Date.now() / 1000);
      expect((await send(header(now))).status).toBe(202);
      await rejects(() => send(header(now - 600)), 401, 'timestamp_invalid');
      await rejects(() => send(header(now, 'whsec_someone_else_0000000000')), 401, 'signature_invalid');
    });

    it('bearer: the secret in Authorization, stored hashed', async () => {
      const hook = await webhook({ verifier: 'bearer' });
      const body = JSON.stringify({ ...payload, trackingId: 'BR-1' });
      const send = (authorization: string) => fetch(hook.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization, 'webhook-id': 'br-1' }, body });
      expect((await send(`Bearer ${hook.secret}`)).status).toBe(202);
      await rejects(() => send('Bearer whtok_not-the-right-one-at-all'), 401, 'signature_invalid');
      const [stored] = await gateway.dataSource.query(`SELECT sealed, sha256 FROM gateway.webhook_secrets WHERE webhook_id = $1`, [hook.id]);
      expect(stored.sealed).toBeNull();
      expect(Buffer.from(stored.sha256).toString('latin1')).not.toContain(hook.secret);
    });

    it('query token: a GET-only carrier delivers its payload as query parameters', async () => {
      const hook = await webhook({ verifier: 'query-token' });
      const query = new URLSearchParams({ ...payload, trackingId: 'DPD-1', carrier: 'DPD' });
      const first = await fetch(`${hook.url}?token=${hook.secret}&${query}`);
      expect(first.status).toBe(202);
      const { eventId } = await readJson(first);
      expect((await envelopeOf(eventId)).data).toEqual({ ...payload, trackingId: 'DPD-1', carrier: 'DPD' });
      expect((await readJson(await fetch(`${hook.url}?${query}&token=${hook.secret}`))).eventId).toBe(eventId);
      await rejects(() => fetch(`${hook.url}?token=whtok_wrong-wrong-wrong-wrong&${query}`), 401, 'signature_invalid');
      await rejects(() => fetch(`${hook.url}?${query}`), 401, 'signature_missing');
      const head = await fetch(`${hook.url}?token=${hook.secret}&${query}`, { method: 'HEAD' });
      expect([head.status, head.headers.get('allow')]).toEqual([405, 'GET, POST']);
      const stored = await gateway.dataSource.query(`SELECT count(*) AS n FROM messaging.messages WHERE envelope->'data'->>'trackingId' = 'DPD-1'`);
      expect(Number(stored[0].n)).toBe(1);
    });
  });

  it('logs every answer with its trace id and never a secret, key, token or signature', async () => {
    const lines = logs.lines.map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.msg === 'delivery accepted').length).toBeGreaterThan(5);
    expect(lines.filter((l) => l.msg === 'delivery rejected').every((l) => typeof l.traceId === 'string' && typeof l.code === 'string')).toBe(true);
    expect(logs.leaked(secrets)).toEqual([]);
  });
});
