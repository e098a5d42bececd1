import { eventually, startFakeUpstream, type FakeUpstream } from '@tributary/testing';
import { startWorker, type RunningWorker } from '../support/worker-fixture.js';

// On-demand data actions (`GET /v1/actions/:id/data?maxAge=`) of the company-registry example, against a
// local registry that is stopped, failed and held: 200 fresh, 203 from the valid cache, 502 upstream_stale.

const COMPANY = '27074358';
const PATH = `/ekonomicke-subjekty/${COMPANY}`;
const ENTRY = {
  ico: COMPANY,
  obchodniJmeno: 'Asseco Central Europe, a.s.',
  dic: 'CZ27074358',
  pravniForma: '121',
  datumAktualizace: '2024-05-01',
  sidlo: { textovaAdresa: 'Budějovická 778/3a, Michle, 14000 Praha 4', kodStatu: 'CZ' },
};
const PROFILE = {
  companyId: COMPANY,
  name: 'Asseco Central Europe, a.s.',
  vatId: 'CZ27074358',
  legalForm: '121',
  address: 'Budějovická 778/3a, Michle, 14000 Praha 4',
  country: 'CZ',
  updatedOn: '2024-05-01',
};

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

describe('GET /v1/actions/:id/data', () => {
  let worker: RunningWorker;
  let upstream: FakeUpstream;
  let tenant: { id: string; apiKey: string };
  let other: { id: string; apiKey: string };
  let action: string;
  let deployment: string;
  let config: Record<string, unknown>;

  const data = async (id: string, query = '', key = tenant.apiKey): Promise<Answer> => {
    const response = await fetch(`${worker.url}/v1/actions/${id}/data${query}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
  };
  /** Given: the cached document was fetched `ageSeconds` ago and is valid for `validSeconds` more (negative: expired). */
  const cacheAged = (ageSeconds: number, validSeconds: number) =>
    worker.dataSource.query(
      `UPDATE worker.action_data SET fetched_at = now() - make_interval(secs => $2), valid_until = now() + make_interval(secs => $3) WHERE action_id = $1`,
      [action, ageSeconds, validSeconds],
    );
  const dropCache = () => worker.dataSource.query(`DELETE FROM worker.action_data WHERE action_id = $1`, [action]);

  beforeAll(async () => {
    worker = await startWorker();
    upstream = await startFakeUpstream();
    upstream.serve(PATH, ENTRY);
    tenant = await worker.tenant('registry-a');
    other = await worker.tenant('registry-b');
    config = { baseUrl: upstream.url, companyId: COMPANY, timeoutMs: 300 };
    const created = await worker.call(tenant.apiKey, 'POST', '/v1/deployments', { integration: 'company-registry', name: 'ares', config, allowPrivateNetwork: true });
    expect(created.status).toBe(201);
    deployment = (created.body as { id: string }).id;
    const added = await worker.call(tenant.apiKey, 'POST', `/v1/deployments/${deployment}/actions`, { method: 'company-profile' });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ method: 'company-profile', topic: '', onTopic: false });
    action = (added.body as { id: string }).id;
  });

  afterEach(async () => {
    upstream.release();
    upstream.recover();
    await upstream.start();
  });

  afterAll(async () => {
    await upstream?.close();
    await worker?.stop();
  });

  it('answers 200 with the transformed document, fetched now, and keeps it', async () => {
    await dropCache();
    const before = upstream.calls.length;
    const answer = await data(action, '?maxAge=60');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ data: PROFILE, ageSeconds: 0, source: 'upstream' });
    expect(answer.headers.get('age')).toBe('0');
    expect(answer.headers.get('cache-control')).toBe('private, max-age=86400');
    expect(upstream.calls.length).toBe(before + 1);
    const [row] = await worker.dataSource.query(`SELECT tenant_id, document FROM worker.action_data WHERE action_id = $1`, [action]);
    expect(row).toEqual({ tenant_id: tenant.id, document: PROFILE });
  });

  it('answers 200 from the cache without calling the upstream while the document is younger than maxAge', async () => {
    await data(action);
    await cacheAged(120, 3600);
    const before = upstream.calls.length;
    const answer = await data(action, '?maxAge=600');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ data: PROFILE, ageSeconds: 120, source: 'cache' });
    expect(answer.headers.get('age')).toBe('120');
    expect(upstream.calls.length).toBe(before);
  });

  it('asks the upstream again when the cache is older than maxAge (maxAge=0 and no maxAge: always)', async () => {
    await data(action);
    await cacheAged(120, 3600);
    const before = upstream.calls.length;
    expect((await data(action, '?maxAge=60')).body).toMatchObject({ source: 'upstream', ageSeconds: 0 });
    expect((await data(action, '?maxAge=0')).body).toMatchObject({ source: 'upstream' });
    expect((await data(action)).body).toMatchObject({ source: 'upstream' });
    expect(upstream.calls.length).toBe(before + 3);
  });

  it('answers 203 with the cached document while it is valid when the upstream is down', async () => {
    await data(action);
    await cacheAged(7200, 3600);
    await upstream.stop();
    const answer = await data(action, '?maxAge=60');
    expect(answer.status).toBe(203);
    expect(answer.body).toMatchObject({ data: PROFILE, ageSeconds: 7200, source: 'cache', upstreamError: { code: 'upstream_unreachable' } });
    expect(answer.headers.get('age')).toBe('7200');
  });

  it('answers 203 when the upstream answers 5xx, and 200 again once it recovers', async () => {
    await data(action);
    upstream.fail(503);
    const failed = await data(action);
    expect(failed.status).toBe(203);
    expect(failed.body).toMatchObject({ data: PROFILE, upstreamError: { code: 'upstream_unavailable' } });
    upstream.recover();
    expect((await data(action)).status).toBe(200);
  });

  it('answers 203 when the upstream is slower than the timeout', async () => {
    await data(action);
    await cacheAged(30, 3600);
    upstream.hold();
    const answer = await data(action, '?maxAge=10');
    expect(answer.status).toBe(203);
    expect(answer.body).toMatchObject({ data: PROFILE, ageSeconds: 30, source: 'cache', upstreamError: { code: 'upstream_timeout' } });
    expect(upstream.holding()).toBe(1);
  });

  it('answers 502 upstream_stale with the expired document and its age when the upstream is down', async () => {
    await data(action);
    await cacheAged(90_000, -3600);
    await upstream.stop();
    const answer = await data(action, '?maxAge=60');
    expect(answer.status).toBe(502);
    expect(answer.body).toEqual({
      error: { code: 'upstream_stale', message: expect.stringContaining('upstream_unreachable') },
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      data: PROFILE,
      ageSeconds: 90_000,
    });
    expect(answer.headers.get('age')).toBe('90000');
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('answers 502 upstream_stale with data null when nothing was ever fetched', async () => {
    await dropCache();
    upstream.fail(500);
    const answer = await data(action);
    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({ error: { code: 'upstream_stale' }, data: null, ageSeconds: null });
  });

  it('makes one upstream call for concurrent requests of the same action, whose timeout answers them all', async () => {
    await dropCache();
    // The client's own timeout past the route's (5 s): the route's timeout ends the wait of every joined request.
    expect((await worker.call(tenant.apiKey, 'PATCH', `/v1/deployments/${deployment}`, { config: { ...config, timeoutMs: 30_000 } })).status).toBe(200);
    try {
      upstream.hold();
      const before = upstream.calls.length;
      const answers = await Promise.all([data(action), data(action), data(action)]);
      expect(upstream.calls.length).toBe(before + 1);
      for (const answer of answers) {
        expect(answer.status).toBe(502);
        expect(answer.body).toMatchObject({ error: { code: 'upstream_stale', message: expect.stringContaining('upstream_timeout') }, data: null, ageSeconds: null });
      }
      // The fetch goes on: answered late, it fills the cache.
      upstream.release();
      await eventually(() => worker.dataSource.query(`SELECT document FROM worker.action_data WHERE action_id = $1`, [action]), (rows) => rows.length === 1);
    } finally {
      await worker.call(tenant.apiKey, 'PATCH', `/v1/deployments/${deployment}`, { config });
    }
  });

  it("answers another tenant's action as 404, like an unknown one, and leaves its cache alone", async () => {
    await data(action);
    const before = upstream.calls.length;
    const foreign = await data(action, '?maxAge=60', other.apiKey);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ error: { code: 'action_not_found' } });
    expect((await data('7b0c3a52-8f1e-4a5c-9d3e-2f6a1b4c8d90', '', other.apiKey)).status).toBe(404);
    expect((await data('not-a-uuid')).status).toBe(404);
    expect(upstream.calls.length).toBe(before);
    const rows = await worker.dataSource.query(`SELECT tenant_id FROM worker.action_data`);
    expect(rows).toEqual([{ tenant_id: tenant.id }]);
  });

  it.each(['-1', 'abc', '1.5', '99999999999'])('refuses maxAge=%s with 400 and calls nothing', async (maxAge) => {
    const before = upstream.calls.length;
    const answer = await data(action, `?maxAge=${maxAge}`);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'validation_failed' }, traceId: expect.any(String) });
    expect(upstream.calls.length).toBe(before);
  });

  it('lists the data method, and a data action is neither run by hand nor scheduled (it has no topic)', async () => {
    const listed = await worker.call(tenant.apiKey, 'GET', '/v1/integrations');
    expect(listed.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'company-registry', methods: [expect.objectContaining({ method: 'company-profile', topic: '', onSuccess: [], runs: 'on-demand' })] }),
      ]),
    );
    const run = await worker.call(tenant.apiKey, 'POST', `/v1/actions/${action}/runs`, { input: {} });
    expect(run).toMatchObject({ status: 400, body: { error: { code: 'method_unknown' } } });
    const schedule = await worker.call(tenant.apiKey, 'POST', `/v1/actions/${action}/schedules`, { cron: '0 3 * * *' });
    expect(schedule).toMatchObject({ status: 400, body: { error: { code: 'method_unknown' } } });
    expect(await worker.dataSource.query(`SELECT id FROM worker.schedules WHERE action_id = $1`, [action])).toEqual([]);
  });

  it('refuses an action whose method serves no data, and a disabled one', async () => {
    const relay = await worker.call(tenant.apiKey, 'POST', '/v1/deployments', {
      integration: 'webhook-relay',
      name: 'relay',
      config: { url: 'https://hooks.example.com/x' },
      credentials: { token: 'relay-token-000000000000' },
    });
    const relayAction = await worker.call(tenant.apiKey, 'POST', `/v1/deployments/${(relay.body as { id: string }).id}/actions`, { method: 'relay-state-change' });
    const notData = await data((relayAction.body as { id: string }).id);
    expect(notData.status).toBe(400);
    expect(notData.body).toMatchObject({ error: { code: 'action_serves_no_data' } });

    expect((await worker.call(tenant.apiKey, 'PATCH', `/v1/actions/${action}`, { enabled: false })).status).toBe(200);
    try {
      const before = upstream.calls.length;
      const disabled = await data(action);
      expect(disabled.status).toBe(409);
      expect(disabled.body).toMatchObject({ error: { code: 'action_disabled' } });
      expect(upstream.calls.length).toBe(before);
    } finally {
      await worker.call(tenant.apiKey, 'PATCH', `/v1/actions/${action}`, { enabled: true });
    }
  });
});
