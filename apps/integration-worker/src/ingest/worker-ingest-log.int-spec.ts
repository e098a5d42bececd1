import { createHash } from 'node:crypto';
import { INGEST_BODY_LIMIT, IngestRetention } from '@tributary/ingest';
import { enterTenant, TenantContext } from '@tributary/tenancy';
import { startFakeUpstream, type FakeUpstream } from '@tributary/testing';
import { startWorker, type RunningWorker } from '../../../../test/support/worker-fixture.js';
import type { Json } from '../../../../test/support/json.js';
import { ActionAnswerLog } from './action-answer-log.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const entryOf = (ico: string, extra: Record<string, unknown> = {}) => ({ ico, obchodniJmeno: `Company ${ico}`, dic: `CZ${ico}`, ...extra });
const METHOD = 'company-registry.company-profile';

/**
 * The worker's ingest log through its real interfaces: data actions fetched over GET /v1/actions/:id/data against a
 * local registry, their upstream answers read back over GET /v1/ingest on the worker's port (the gateway's shape and
 * pagination), per tenant, and trimmed by the retention.
 */
describe("the worker's ingest log (GET /v1/ingest on the worker: upstream answers to actions)", () => {
  let worker: RunningWorker;
  let upstream: FakeUpstream;
  let a: { id: string; apiKey: string; action: string; url: string };
  let b: { id: string; apiKey: string; action: string; url: string };

  /** The log is written off the request: flush what was buffered, as its timer would. */
  const flushed = () => worker.app.get(ActionAnswerLog).flush();
  const list = (key: string, query = '') => worker.call(key, 'GET', `/v1/ingest${query}`);
  const entries = async (key: string, query = '') => {
    const answer = await list(key, query);
    expect(answer.status).toBe(200);
    return (answer.body as { data: Json[] }).data;
  };
  const fetchData = (key: string, action: string) => worker.call(key, 'GET', `/v1/actions/${action}/data`);
  const count = async () => Number((await worker.dataSource.query(`SELECT count(*) AS n FROM worker.ingest_log`))[0].n);

  /** A tenant with a company-registry deployment of company `ico` and its data action. */
  const tenantWithAction = async (name: string, ico: string) => {
    const tenant = await worker.tenant(name);
    const config = { baseUrl: upstream.url, companyId: ico, timeoutMs: 500 };
    const deployment = await worker.call(tenant.apiKey, 'POST', '/v1/deployments', { integration: 'company-registry', name, config, allowPrivateNetwork: true });
    expect(deployment.status).toBe(201);
    const action = await worker.call(tenant.apiKey, 'POST', `/v1/deployments/${(deployment.body as { id: string }).id}/actions`, { method: 'company-profile' });
    expect(action.status).toBe(201);
    return { ...tenant, action: (action.body as { id: string }).id, url: `${upstream.url}/ekonomicke-subjekty/${ico}` };
  };

  beforeAll(async () => {
    worker = await startWorker({ INGEST_RETENTION_SECONDS: '3600' });
    upstream = await startFakeUpstream();
    upstream.serve('/ekonomicke-subjekty/11111111', entryOf('11111111'));
    upstream.serve('/ekonomicke-subjekty/22222222', entryOf('22222222'));
    a = await tenantWithAction('ingest-a', '11111111');
    b = await tenantWithAction('ingest-b', '22222222');
  });

  afterEach(async () => {
    upstream.recover();
    await upstream.start();
  });

  afterAll(async () => {
    await upstream?.close();
    await worker?.stop();
  });

  it("keeps the upstream's answer to a data action's fetch, with its provenance and validity", async () => {
    expect((await fetchData(a.apiKey, a.action)).status).toBe(200);
    await flushed();
    const [entry] = await entries(a.apiKey, `?extId=${encodeURIComponent(a.url)}`);
    const body = JSON.stringify(entryOf('11111111'));
    expect(entry).toMatchObject({
      actor: { kind: 'action', id: a.action },
      // The address connected to (the socket's peer), not the URL's host:port.
      sourceIp: '127.0.0.1',
      extId: a.url,
      contentHash: sha256(body),
      body,
      bodySize: body.length,
      contentType: 'application/json',
      topic: METHOD,
      answer: { status: 200, code: null },
      eventId: null,
      // A fetch is no run.
      runId: null,
      messageId: null,
    });
    // Valid for the route's validForSeconds (a day) from the answer on.
    expect(Date.parse(entry.validUntil as string) - Date.parse(entry.validFrom as string)).toBe(86_400_000);
  });

  it('keeps a failed answer with its status and code, and nothing of a fetch that got no answer', async () => {
    upstream.fail(503);
    expect((await fetchData(a.apiKey, a.action)).status).toBe(203);
    await flushed();
    const failed = (await entries(a.apiKey, '?limit=100')).filter((e) => e.answer.status === 503);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ answer: { status: 503, code: 'upstream_unavailable' }, body: '', bodySize: 0, validFrom: null, validUntil: null, topic: METHOD });

    const before = await count();
    await upstream.stop();
    expect((await fetchData(a.apiKey, a.action)).status).toBe(203);
    await flushed();
    expect(await count()).toBe(before);
  });

  it('keeps one entry per answer: the same document fetched twice is two answers, and a flush done twice writes each once', async () => {
    const before = (await entries(a.apiKey, `?extId=${encodeURIComponent(a.url)}&limit=100`)).length;
    expect((await fetchData(a.apiKey, a.action)).status).toBe(200);
    expect((await fetchData(a.apiKey, a.action)).status).toBe(200);
    await flushed();
    await flushed();
    const after = await entries(a.apiKey, `?extId=${encodeURIComponent(a.url)}&limit=100`);
    expect(after).toHaveLength(before + 2);
    expect(new Set(after.filter((e) => e.answer.status === 200).map((e) => e.contentHash)).size).toBe(1);
  });

  it('keeps what a failed flush could not write, and writes it once the table is back', async () => {
    await flushed();
    const before = await count();
    await worker.dataSource.query(`ALTER TABLE worker.ingest_log RENAME TO ingest_log_away`);
    try {
      expect((await fetchData(a.apiKey, a.action)).status).toBe(200);
      await flushed();
    } finally {
      await worker.dataSource.query(`ALTER TABLE worker.ingest_log_away RENAME TO ingest_log`);
    }
    await flushed();
    await flushed();
    expect(await count()).toBe(before + 1);
  });

  it('keeps an answer over the size limit by hash and size only', async () => {
    const big = entryOf('33333333', { note: 'x'.repeat(INGEST_BODY_LIMIT) });
    upstream.serve('/ekonomicke-subjekty/33333333', big);
    const c = await tenantWithAction('ingest-c', '33333333');
    expect((await fetchData(c.apiKey, c.action)).status).toBe(200);
    await flushed();
    const [entry] = await entries(c.apiKey);
    const text = JSON.stringify(big);
    expect(entry).toMatchObject({ body: null, bodySize: text.length, contentHash: sha256(text), answer: { status: 200, code: null } });
  });

  it("never shows tenant A's entries to tenant B (the API, and row-level security under it)", async () => {
    expect((await fetchData(b.apiKey, b.action)).status).toBe(200);
    await flushed();
    const seenByB = await entries(b.apiKey, '?limit=100');
    expect(seenByB.length).toBeGreaterThan(0);
    expect(seenByB.every((e) => e.actor.id === b.action && e.extId === b.url)).toBe(true);
    expect(await entries(b.apiKey, `?extId=${encodeURIComponent(a.url)}`)).toEqual([]);
    expect((await entries(a.apiKey, '?limit=100')).some((e) => e.actor.id === b.action)).toBe(false);

    const underRls = await worker.dataSource.transaction(async (m) => {
      await enterTenant(m, TenantContext.trusted(b.id, 'test'));
      return m.query(`SELECT DISTINCT tenant_id FROM worker.ingest_log`);
    });
    expect(underRls).toEqual([{ tenant_id: b.id }]);
  });

  it('pages with limit and after, and filters by since (the gateway`s pagination)', async () => {
    const all = await entries(a.apiKey, '?limit=100');
    expect(all.length).toBeGreaterThanOrEqual(4);
    const first = await list(a.apiKey, '?limit=2');
    const cursor = (first.body as { nextCursor: string }).nextCursor;
    expect(cursor).toEqual(expect.any(String));
    const second = await list(a.apiKey, `?limit=2&after=${cursor}`);
    const paged = [...(first.body as { data: Json[] }).data, ...(second.body as { data: Json[] }).data].map((e) => e.id);
    expect(paged).toEqual(all.slice(0, 4).map((e) => e.id));
    const since = all[2].receivedAt as string;
    expect((await entries(a.apiKey, `?since=${encodeURIComponent(since)}&limit=100`)).map((e) => e.id)).toEqual(all.slice(2).map((e) => e.id));
    expect(await entries(a.apiKey, `?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([]);
    const last = await list(a.apiKey, '?limit=100');
    expect((last.body as { nextCursor: unknown }).nextCursor).toBeNull();
  });

  it.each([
    ['a since that is no date', '?since=yesterday', 'validation_failed'],
    ['a since in year 0', '?since=0000-01-01T00:00:00Z', 'validation_failed'],
    ['a limit of 0', '?limit=0', 'validation_failed'],
    ['a limit over 100', '?limit=101', 'validation_failed'],
    ['an empty extId', '?extId=', 'validation_failed'],
    ['a cursor it did not return', '?after=nope', 'cursor_invalid'],
  ])('refuses %s with 400 and its code', async (_case, query, code) => {
    const answer = await list(a.apiKey, query);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code }, traceId: expect.any(String) });
  });

  it('wants a tenant key: 401 without one, 403 tenant_required for the admin key; a read-only key reads', async () => {
    expect((await list(undefined as unknown as string)).status).toBe(401);
    expect(await list(worker.adminKey)).toMatchObject({ status: 403, body: { error: { code: 'tenant_required' } } });
    const reader = await worker.tenant('ingest-reader', 'read_only');
    expect(await list(reader.apiKey)).toMatchObject({ status: 200, body: { data: [], nextCursor: null } });
  });

  it('deletes entries older than INGEST_RETENTION_SECONDS, in every tenant, and keeps the newer ones', async () => {
    await flushed();
    const idsOf = async (tenantId: string) =>
      (await worker.dataSource.query(`SELECT id FROM worker.ingest_log WHERE tenant_id = $1 ORDER BY received_at, id`, [tenantId])).map((r: { id: string }) => r.id);
    const [agedA, ...keptA] = await idsOf(a.id);
    const [agedB, ...keptB] = await idsOf(b.id);
    expect(keptA.length).toBeGreaterThan(0);
    await worker.dataSource.query(`UPDATE worker.ingest_log SET received_at = now() - interval '2 hours' WHERE id = ANY($1::uuid[])`, [[agedA, agedB]]);

    expect(await worker.app.get(IngestRetention).sweep()).toBe(2);
    expect(await idsOf(a.id)).toEqual(keptA);
    expect(await idsOf(b.id)).toEqual(keptB);
    expect(await worker.app.get(IngestRetention).sweep()).toBe(0);
  });
});
