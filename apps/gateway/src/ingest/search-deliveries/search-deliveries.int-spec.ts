import { sendStandardWebhook, testSecrets } from '@tributary/testing';
import { createTestDatabase, LogCapture, provisionTenant, readJson, startGateway, type Api, type RunningGateway, type TestDatabase } from '../../../../../test/support/gateway-harness.js';
import type { Json } from '../../../../../test/support/json.js';
import { IngestLog } from '../ingest-log.js';

const TOPIC = 'tracking.carrier-update.received';
const update = (trackingId: string) => ({ trackingId, carrier: 'DHL', status: 'In Transit', occurredAt: '2026-11-23T10:00:00Z' });
const WRONG_SECRET = 'whsec_' + Buffer.alloc(24, 7).toString('base64');

/**
 * Delivery search through GET /v1/deliveries: webhook deliveries as the ingress answered them (accepted and refused,
 * with their trace ids), filtered by webhook, status or status class, error code, time range and trace id, newest
 * first, per tenant (the platform admin across tenants or for one).
 */
describe('delivery search (GET /v1/deliveries)', () => {
  let db: TestDatabase;
  let gateway: RunningGateway;
  let a: Awaited<ReturnType<typeof provisionTenant>>;
  let b: Awaited<ReturnType<typeof provisionTenant>>;
  let second: { id: string; url: string; secret: string };
  const traces: Record<string, string> = {};
  const logs = new LogCapture();

  const search = async (api: Api, query: string) => {
    const answer = await api.get(`/v1/deliveries?${query}`);
    expect([answer.status, answer.body.error?.code]).toEqual([200, undefined]);
    return answer.body.data as Json[];
  };
  const extIds = async (api: Api, query: string) => (await search(api, query)).map((d) => d.extId);
  const send = async (name: string, url: string, secret: string, status: number) => {
    const answer = await sendStandardWebhook(url, secret, update(name), { id: name });
    expect(answer.status).toBe(status);
    traces[name] = (await readJson(answer)).traceId;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    gateway = await startGateway(db.url, logs, { INGEST_RETENTION_SECONDS: '3600' }, testSecrets());
    a = await provisionTenant(gateway.admin, 'deliveries-a');
    b = await provisionTenant(gateway.admin, 'deliveries-b');
    second = await a.owner.create('/v1/webhooks', { appId: a.app.id, topic: TOPIC });
    await send('d_ok_1', a.webhook.url, a.webhook.secret, 202);
    await gateway.app.get(IngestLog).flush();
    await send('d_bad_1', a.webhook.url, WRONG_SECRET, 401);
    await send('d_ok_2', second.url, second.secret, 202);
    await send('d_bad_2', second.url, WRONG_SECRET, 401);
    await send('d_b_ok', b.webhook.url, b.webhook.secret, 202);
    // The same delivery again, answered alike: still one entry (the first).
    const retried = await sendStandardWebhook(a.webhook.url, a.webhook.secret, update('d_ok_1'), { id: 'd_ok_1' });
    expect(retried.status).toBe(202);
    await gateway.app.get(IngestLog).flush();
    await a.owner.post('/v1/ingest', { topic: TOPIC, extId: 'pushed-1', data: update('PUSHED') });
  });

  afterAll(async () => {
    await gateway?.close();
    await db?.drop();
  });

  it('lists webhook deliveries newest first with trace id and answer time, not pushed documents', async () => {
    const all = await search(a.owner, '');
    expect(all.map((d) => d.extId)).toEqual(['d_bad_2', 'd_ok_2', 'd_bad_1', 'd_ok_1']);
    expect(all[3]).toMatchObject({
      tenantId: a.tenant.id,
      webhookId: a.webhook.id,
      status: 202,
      code: null,
      topic: TOPIC,
      eventId: expect.any(String),
      traceId: traces.d_ok_1,
      durationMs: expect.any(Number),
      bodySize: JSON.stringify(update('d_ok_1')).length,
    });
    expect(all[2]).toMatchObject({ status: 401, code: 'signature_invalid', eventId: null, traceId: traces.d_bad_1 });
    expect(all[0]).not.toHaveProperty('body');
  });

  it.each([
    ['webhook', () => `webhookId=${second.id}`, ['d_bad_2', 'd_ok_2']],
    ['status', () => 'status=202', ['d_ok_2', 'd_ok_1']],
    ['status class', () => 'status=4xx', ['d_bad_2', 'd_bad_1']],
    ['an empty status class', () => 'status=5xx', []],
    ['error code', () => 'code=signature_invalid', ['d_bad_2', 'd_bad_1']],
    ['trace id', () => `traceId=${traces.d_ok_2}`, ['d_ok_2']],
    ['webhook and status together', () => `webhookId=${a.webhook.id}&status=401`, ['d_bad_1']],
  ])('filters by %s', async (_case, query, expected) => {
    expect(await extIds(a.owner, query())).toEqual(expected);
  });

  it('filters by a time range (since inclusive, until exclusive)', async () => {
    const all = await search(a.owner, '');
    const at = (i: number) => encodeURIComponent(all[i].receivedAt as string);
    expect(await extIds(a.owner, `since=${at(2)}`)).toEqual(['d_bad_2', 'd_ok_2', 'd_bad_1']);
    expect(await extIds(a.owner, `until=${at(1)}`)).toEqual(['d_bad_1', 'd_ok_1']);
    expect(await extIds(a.owner, `since=${at(2)}&until=${at(0)}`)).toEqual(['d_ok_2', 'd_bad_1']);
    expect(await extIds(a.owner, `since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([]);
  });

  it('pages with limit and after, to the end', async () => {
    const first = await a.owner.get('/v1/deliveries?limit=3');
    expect(first.body.data).toHaveLength(3);
    const next = await a.owner.get(`/v1/deliveries?limit=3&after=${first.body.nextCursor}`);
    expect([...first.body.data, ...next.body.data].map((d: Json) => d.extId)).toEqual(['d_bad_2', 'd_ok_2', 'd_bad_1', 'd_ok_1']);
    expect(next.body.nextCursor).toBeNull();
  });

  it("never shows one tenant's deliveries to another; the admin sees every tenant's, or one's with tenantId", async () => {
    expect(await extIds(b.owner, '')).toEqual(['d_b_ok']);
    expect(await extIds(b.owner, `webhookId=${a.webhook.id}`)).toEqual([]);
    expect(await extIds(b.owner, `traceId=${traces.d_ok_1}`)).toEqual([]);
    const foreign = await b.owner.get(`/v1/deliveries?tenantId=${a.tenant.id}`);
    expect([foreign.status, foreign.body.error.code]).toEqual([403, 'admin_required']);
    expect(await extIds(b.owner, `tenantId=${b.tenant.id}`)).toEqual(['d_b_ok']);

    expect(await extIds(gateway.admin, `tenantId=${b.tenant.id}`)).toEqual(['d_b_ok']);
    expect(await extIds(gateway.admin, `tenantId=${a.tenant.id}&status=4xx`)).toEqual(['d_bad_2', 'd_bad_1']);
    const everyone = await search(gateway.admin, 'limit=100');
    expect(everyone.filter((d) => [a.tenant.id, b.tenant.id].includes(d.tenantId as string)).map((d) => d.extId)).toEqual(['d_b_ok', 'd_bad_2', 'd_ok_2', 'd_bad_1', 'd_ok_1']);
  });

  it('lets a read-only key search', async () => {
    const readOnly = await a.owner.create('/v1/api-keys', { name: 'reader', role: 'read_only' });
    expect(await extIds(a.owner.as(readOnly.key), 'status=202')).toEqual(['d_ok_2', 'd_ok_1']);
  });

  it.each([
    ['a status that is no status', 'status=abc'],
    ['a status class out of range', 'status=7xx'],
    ['a webhook id that is no uuid', 'webhookId=nope'],
    ['a code that is no code', 'code=Not%20A%20Code'],
    ['a trace id that is not 32 hex digits', 'traceId=xyz'],
    ['a since that is no date', 'since=yesterday'],
    ['an until in year 0', 'until=0000-01-01T00:00:00Z'],
    ['an until before since', 'since=2026-12-02T00:00:00Z&until=2026-12-01T00:00:00Z'],
    ['a limit over the maximum', 'limit=1000'],
    ['a tenantId that is no uuid', 'tenantId=x'],
  ])('refuses %s with 400 validation_failed and the trace id', async (_case, query) => {
    const answer = await a.owner.get(`/v1/deliveries?${query}`);
    expect([answer.status, answer.body.error?.code]).toEqual([400, 'validation_failed']);
    expect(answer.body.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('refuses a bad cursor and a call without a key', async () => {
    expect((await a.owner.get('/v1/deliveries?after=nope')).body.error.code).toBe('cursor_invalid');
    expect((await a.owner.as(undefined).get('/v1/deliveries')).status).toBe(401);
  });
});
