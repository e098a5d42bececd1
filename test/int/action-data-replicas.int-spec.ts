import { eventually, startFakeUpstream, type FakeUpstream } from '@tributary/testing';
import { startWorker, type RunningWorker } from '../support/worker-fixture.js';

// On-demand data actions across worker replicas: two worker apps on one database, asked for the same action's data at
// once, make one upstream call (the fetch's advisory lock per tenant and action), and the lock of a failed fetch
// lets the next caller fetch.

const COMPANY = '27074358';
const ENTRY = { ico: COMPANY, obchodniJmeno: 'Asseco Central Europe, a.s.', dic: 'CZ27074358', pravniForma: '121', sidlo: { textovaAdresa: 'Praha 4', kodStatu: 'CZ' } };
const PROFILE = { companyId: COMPANY, name: 'Asseco Central Europe, a.s.', vatId: 'CZ27074358', legalForm: '121', address: 'Praha 4', country: 'CZ' };
const REQUESTS = 8;

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

describe('GET /v1/actions/:id/data on two worker replicas', () => {
  let first: RunningWorker;
  let second: RunningWorker;
  let upstream: FakeUpstream;
  let tenant: { id: string; apiKey: string };
  let action: string;

  const data = async (worker: RunningWorker, maxAge = 0): Promise<Answer> => {
    const response = await fetch(`${worker.url}/v1/actions/${action}/data?maxAge=${maxAge}`, { headers: { authorization: `Bearer ${tenant.apiKey}` } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  /**
   * N requests at once, every other one to each replica. With a maxAge of an hour: one that came after the fetch
   * ended is served the document it kept (no upstream call either), as one that joined it.
   */
  const concurrently = (n: number) => Array.from({ length: n }, (_, i) => data(i % 2 === 0 ? first : second, 3600));
  /** Fetch locks (advisory) some replica is waiting for. */
  const waitingForLock = async () =>
    Number(
      (
        await first.dataSource.query(
          `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        )
      )[0].n,
    );
  const dropCache = () => first.dataSource.query(`DELETE FROM worker.action_data WHERE action_id = $1`, [action]);

  beforeAll(async () => {
    first = await startWorker();
    second = await startWorker({}, first);
    upstream = await startFakeUpstream();
    upstream.serve(`/ekonomicke-subjekty/${COMPANY}`, ENTRY);
    tenant = await first.tenant('replicas');
    const created = await first.call(tenant.apiKey, 'POST', '/v1/deployments', {
      integration: 'company-registry',
      name: 'ares',
      config: { baseUrl: upstream.url, companyId: COMPANY, timeoutMs: 3_000 },
      allowPrivateNetwork: true,
    });
    expect(created.status).toBe(201);
    const added = await first.call(tenant.apiKey, 'POST', `/v1/deployments/${(created.body as { id: string }).id}/actions`, { method: 'company-profile' });
    expect(added.status).toBe(201);
    action = (added.body as { id: string }).id;
  });

  afterEach(() => {
    upstream.release();
    upstream.recover();
  });

  afterAll(async () => {
    await upstream?.close();
    await second?.stop();
    await first?.stop();
  });

  it('concurrent requests spread over both replicas make one upstream call and all get the same document', async () => {
    await dropCache();
    const before = upstream.calls.length;
    upstream.hold();
    const answers = concurrently(REQUESTS);
    // One replica's fetch is at the upstream, the other's waits for its lock.
    await eventually(async () => upstream.holding(), (n) => n === 1);
    await eventually(waitingForLock, (n) => n === 1);
    upstream.release();
    const answered = await Promise.all(answers);
    expect(upstream.calls.length).toBe(before + 1);
    for (const answer of answered) {
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ data: PROFILE });
    }
    // One fetch: every answer is that document (above), fetched at the same instant.
    expect(new Set(answered.map((a) => a.body.fetchedAt)).size).toBe(1);

    // Asked again (maxAge=0): each replica asks the upstream again, one after the other.
    expect((await data(first)).status).toBe(200);
    expect((await data(second)).status).toBe(200);
    expect(upstream.calls.length).toBe(before + 3);
  });

  it("a failed fetch lets the next caller in: the waiting replica fetches itself, and the lock is free afterwards", async () => {
    await dropCache();
    const before = upstream.calls.length;
    upstream.hold();
    const held = data(first);
    await eventually(async () => upstream.holding(), (n) => n === 1);
    const waiting = data(second);
    await eventually(waitingForLock, (n) => n === 1);
    // The held call is answered 503, as every call until recover().
    upstream.fail(503);
    upstream.release();
    const [a, b] = await Promise.all([held, waiting]);
    // Nothing was ever fetched: both 502, each from its own upstream call.
    for (const answer of [a, b]) {
      expect(answer.status).toBe(502);
      expect(answer.body).toMatchObject({ error: { code: 'upstream_stale', message: expect.stringContaining('upstream_unavailable') }, data: null });
    }
    expect(upstream.calls.length).toBe(before + 2);
    expect(await waitingForLock()).toBe(0);

    upstream.recover();
    for (const replica of [first, second]) {
      const answer = await data(replica);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ data: PROFILE, source: 'upstream' });
    }
    expect(upstream.calls.length).toBe(before + 4);
  });
});
