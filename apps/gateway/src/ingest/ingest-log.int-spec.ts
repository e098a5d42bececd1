import { createHash } from 'node:crypto';
import { INGEST_BODY_LIMIT, IngestRetention } from '@tributary/ingest';
import { sendStandardWebhook, testSecrets } from '@tributary/testing';
import { createTestDatabase, LogCapture, provisionTenant, readJson, startGateway, type Api, type RunningGateway, type TestDatabase } from '../../../../test/support/gateway-harness.js';
import type { Json } from '../../../../test/support/json.js';
import { IngestLog } from './ingest-log.js';

const TOPIC = 'tracking.carrier-update.received';
const update = (trackingId: string) => ({ trackingId, carrier: 'DHL', status: 'In Transit', occurredAt: '2026-11-23T10:00:00Z' });
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The ingest log through its real interfaces: webhook deliveries answered by the ingress (accepted or refused)
 * and documents pushed to POST /v1/ingest, read back with GET /v1/ingest, per tenant.
 */
describe('ingest log (/v1/ingest, and every answered webhook delivery)', () => {
  let db: TestDatabase;
  let gateway: RunningGateway;
  let a: Awaited<ReturnType<typeof provisionTenant>>;
  let b: Awaited<ReturnType<typeof provisionTenant>>;
  const logs = new LogCapture();

  /** The log is written off the hot path: flush what the ingress buffered, as its timer would. */
  const flushed = () => gateway.app.get(IngestLog).flush();
  const entries = async (api: Api, query: string) => {
    const answer = await api.get(`/v1/ingest?${query}`);
    expect(answer.status).toBe(200);
    return answer.body.data as Json[];
  };
  const counts = async () => {
    const [row] = await gateway.dataSource.query(`SELECT (SELECT count(*) FROM gateway.ingest_log) AS entries, (SELECT count(*) FROM messaging.messages) AS messages`);
    return { entries: Number(row.entries), messages: Number(row.messages) };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    gateway = await startGateway(db.url, logs, { INGEST_RETENTION_SECONDS: '3600' }, testSecrets());
    a = await provisionTenant(gateway.admin, 'ingest-a');
    b = await provisionTenant(gateway.admin, 'ingest-b');
  });

  afterAll(async () => {
    await gateway?.close();
    await db?.drop();
  });

  it('records an accepted delivery and a refused one (bad signature) with the answers given', async () => {
    const accepted = await sendStandardWebhook(a.webhook.url, a.webhook.secret, update('ING-1'), { id: 'msg_ing_ok' });
    expect(accepted.status).toBe(202);
    const { eventId } = await readJson(accepted);
    const wrongSecret = 'whsec_' + Buffer.alloc(24, 7).toString('base64');
    const refused = await sendStandardWebhook(a.webhook.url, wrongSecret, update('ING-2'), { id: 'msg_ing_bad' });
    expect(refused.status).toBe(401);
    await flushed();

    const [ok] = await entries(a.owner, 'extId=msg_ing_ok');
    expect(ok).toMatchObject({
      actor: { kind: 'webhook', id: a.webhook.id },
      sourceIp: expect.stringMatching(/127\.0\.0\.1/),
      extId: 'msg_ing_ok',
      contentHash: sha256(JSON.stringify(update('ING-1'))),
      body: JSON.stringify(update('ING-1')),
      bodySize: JSON.stringify(update('ING-1')).length,
      contentType: 'application/json',
      topic: TOPIC,
      answer: { status: 202, code: null },
      eventId,
      validFrom: null,
      validUntil: null,
    });
    const [bad] = await entries(a.owner, 'extId=msg_ing_bad');
    expect(bad).toMatchObject({ actor: { kind: 'webhook', id: a.webhook.id }, topic: null, answer: { status: 401, code: 'signature_invalid' }, eventId: null });
  });

  it('keeps one entry for a delivery retried with the same answer', async () => {
    for (let i = 0; i < 2; i++) expect((await sendStandardWebhook(a.webhook.url, a.webhook.secret, update('ING-3'), { id: 'msg_ing_retry' })).status).toBe(202);
    await flushed();
    expect((await sendStandardWebhook(a.webhook.url, a.webhook.secret, update('ING-3'), { id: 'msg_ing_retry' })).status).toBe(202);
    await flushed();
    expect(await entries(a.owner, 'extId=msg_ing_retry')).toHaveLength(1);
  });

  it('keeps a query-token delivery without its token, and nothing of a delivery to an id that is no webhook', async () => {
    const hook = await a.owner.create('/v1/webhooks', { appId: a.app.id, topic: TOPIC, verifier: 'query-token' });
    const query = new URLSearchParams({ ...update('ING-Q'), carrier: 'DPD' });
    expect((await fetch(`${hook.url}?token=${hook.secret}&${query}`)).status).toBe(202);
    await flushed();
    const before = await counts();
    const unknown = a.webhook.url.replace(a.webhook.id, '0190f3b4-0000-7000-8000-000000000000');
    expect((await sendStandardWebhook(unknown, a.webhook.secret, update('ING-NONE'))).status).toBe(404);
    await flushed();
    expect((await counts()).entries).toBe(before.entries);
    const [entry] = (await entries(a.owner, 'limit=100')).filter((e) => e.actor.id === hook.id);
    expect(entry).toMatchObject({ answer: { status: 202, code: null }, topic: TOPIC, body: query.toString() });
    expect(JSON.stringify(entry)).not.toContain(hook.secret);
  });

  it('keeps what a failed flush could not write, and writes it once the table is back', async () => {
    await flushed();
    await gateway.dataSource.query(`ALTER TABLE gateway.ingest_log RENAME TO ingest_log_away`);
    try {
      expect((await sendStandardWebhook(a.webhook.url, a.webhook.secret, update('ING-AWAY'), { id: 'msg_ing_away' })).status).toBe(202);
      await flushed();
    } finally {
      await gateway.dataSource.query(`ALTER TABLE gateway.ingest_log_away RENAME TO ingest_log`);
    }
    await flushed();
    await flushed();
    expect((await entries(a.owner, 'extId=msg_ing_away')).map((e) => e.answer)).toEqual([{ status: 202, code: null }]);
  });

  it('publishes a pushed document to its topic and logs it, once', async () => {
    const document = { topic: TOPIC, extId: 'erp-1', validFrom: '2026-12-01T00:00:00Z', validUntil: '2026-12-31T00:00:00Z', data: update('ING-PUSH') };
    const before = await counts();
    const pushed = await a.owner.post('/v1/ingest', document);
    expect(pushed.status).toBe(202);
    expect(pushed.body).toMatchObject({
      created: true,
      actor: { kind: 'api_key' },
      extId: 'erp-1',
      topic: TOPIC,
      answer: { status: 202, code: null },
      contentHash: sha256(JSON.stringify(document.data)),
      validFrom: '2026-12-01T00:00:00.000Z',
      validUntil: '2026-12-31T00:00:00.000Z',
    });
    const [message] = await gateway.dataSource.query(`SELECT envelope FROM messaging.messages WHERE message_id = $1`, [pushed.body.eventId]);
    expect(message.envelope).toMatchObject({ type: TOPIC, data: document.data, subject: 'ING-PUSH', tenantid: a.tenant.id });
    expect(await counts()).toEqual({ entries: before.entries + 1, messages: before.messages + 1 });

    const again = await a.owner.post('/v1/ingest', document);
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ created: false, id: pushed.body.id, eventId: pushed.body.eventId });
    expect(await counts()).toEqual({ entries: before.entries + 1, messages: before.messages + 1 });
    expect((await entries(a.owner, 'extId=erp-1')).map((e) => e.id)).toEqual([pushed.body.id]);
  });

  it('keeps a body over the limit by hash and size only', async () => {
    const data = { pnr: 'BIG-1', status: 'delivery_customer', statusdate: '01122026120000', note: 'x'.repeat(INGEST_BODY_LIMIT + 10) };
    const pushed = await a.owner.post('/v1/ingest', { topic: 'tracking.carrier.dpd.received', extId: 'big-1', data });
    expect(pushed.status).toBe(202);
    const [entry] = await entries(a.owner, 'extId=big-1');
    const text = JSON.stringify(data);
    expect(entry).toMatchObject({ body: null, bodySize: text.length, contentHash: sha256(text) });

    const big = { ...update('ING-BIG'), note: 'y'.repeat(INGEST_BODY_LIMIT) };
    const answer = await sendStandardWebhook(a.webhook.url, a.webhook.secret, big, { id: 'msg_ing_big' });
    expect(answer.status).toBe(400);
    await flushed();
    expect((await entries(a.owner, 'extId=msg_ing_big'))[0]).toMatchObject({ body: null, bodySize: JSON.stringify(big).length, answer: { status: 400, code: 'payload_invalid' } });
  });

  it("never shows tenant A's entries to tenant B", async () => {
    await b.owner.post('/v1/ingest', { topic: TOPIC, extId: 'b-1', data: update('ING-B') });
    const seenByB = await entries(b.owner, 'limit=100');
    expect(seenByB.map((e) => e.extId)).toEqual(['b-1']);
    expect(await entries(b.owner, 'extId=erp-1')).toEqual([]);
    expect(await entries(b.owner, 'extId=msg_ing_ok')).toEqual([]);
  });

  it('pages with limit and after, and filters by since', async () => {
    const all = await entries(a.owner, 'limit=100');
    expect(all.length).toBeGreaterThanOrEqual(4);
    const first = await a.owner.get('/v1/ingest?limit=2');
    const second = await a.owner.get(`/v1/ingest?limit=2&after=${first.body.nextCursor}`);
    expect([...first.body.data, ...second.body.data].map((e: { id: string }) => e.id)).toEqual(all.slice(0, 4).map((e) => e.id));
    const since = all[2].receivedAt as string;
    expect((await entries(a.owner, `since=${encodeURIComponent(since)}&limit=100`)).map((e) => e.id)).toEqual(all.slice(2).map((e) => e.id));
    expect(await entries(a.owner, `since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([]);
  });

  it.each([
    ['an unknown topic', { topic: 'no.such.topic', extId: 'x', data: {} }, 400, 'topic_unknown'],
    ['a payload not matching the topic', { topic: TOPIC, extId: 'x', data: { trackingId: 1 } }, 400, 'payload_invalid'],
    ['no extId', { topic: TOPIC, data: update('X') }, 400, 'validation_failed'],
    ['data that is not an object', { topic: TOPIC, extId: 'x', data: 'text' }, 400, 'validation_failed'],
    ['a validity that ends before it starts', { topic: TOPIC, extId: 'x', validFrom: '2026-12-02T00:00:00Z', validUntil: '2026-12-01T00:00:00Z', data: update('X') }, 400, 'validation_failed'],
    ['a validity that is no date', { topic: TOPIC, extId: 'x', validFrom: 'tomorrow', data: update('X') }, 400, 'validation_failed'],
    ['a validity in year 0 (no such year in PostgreSQL)', { topic: TOPIC, extId: 'x', validFrom: '0000-01-01T00:00:00Z', data: update('X') }, 400, 'validation_failed'],
  ])('refuses %s with a clear 4xx and stores nothing', async (_case, body, status, code) => {
    const before = await counts();
    const answer = await a.owner.post('/v1/ingest', body);
    expect([answer.status, answer.body.error?.code]).toEqual([status, code]);
    expect(await counts()).toEqual(before);
  });

  it('refuses a push without a key, a bad since and a bad cursor', async () => {
    const before = await counts();
    expect((await a.owner.as(undefined).post('/v1/ingest', { topic: TOPIC, extId: 'x', data: update('X') })).status).toBe(401);
    expect(await counts()).toEqual(before);
    expect((await a.owner.get('/v1/ingest?since=yesterday')).body.error.code).toBe('validation_failed');
    expect((await a.owner.get('/v1/ingest?since=0000-01-01T00:00:00Z')).body.error.code).toBe('validation_failed');
    const readOnly = await a.owner.create('/v1/api-keys', { name: 'reader', role: 'read_only' });
    const reader = a.owner.as(readOnly.key);
    expect((await reader.post('/v1/ingest', { topic: TOPIC, extId: 'x', data: update('X') })).body.error.code).toBe('role_insufficient');
    expect(await counts()).toEqual(before);
    expect((await reader.get('/v1/ingest')).status).toBe(200);
    expect((await a.owner.get('/v1/ingest?after=nope')).body.error.code).toBe('cursor_invalid');
  });

  it('deletes entries older than INGEST_RETENTION_SECONDS, in every tenant, and keeps the newer ones', async () => {
    await flushed();
    const idsOf = async (tenantId: string) =>
      (await gateway.dataSource.query(`SELECT id FROM gateway.ingest_log WHERE tenant_id = $1 ORDER BY received_at, id`, [tenantId])).map((r: { id: string }) => r.id);
    const [agedA, ...keptA] = await idsOf(a.tenant.id);
    await b.owner.post('/v1/ingest', { topic: TOPIC, extId: 'b-2', data: update('ING-B2') });
    const [agedB, ...keptB] = await idsOf(b.tenant.id);
    expect(keptA.length).toBeGreaterThan(0);
    expect(keptB.length).toBeGreaterThan(0);
    await gateway.dataSource.query(`UPDATE gateway.ingest_log SET received_at = now() - interval '2 hours' WHERE id = ANY($1::uuid[])`, [[agedA, agedB]]);

    expect(await gateway.app.get(IngestRetention).sweep()).toBe(2);
    expect(await idsOf(a.tenant.id)).toEqual(keptA);
    expect(await idsOf(b.tenant.id)).toEqual(keptB);
    expect((await entries(a.owner, 'limit=100')).map((e) => e.id)).toEqual(keptA);
    expect(await gateway.app.get(IngestRetention).sweep()).toBe(0);
  });
});
