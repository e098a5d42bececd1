import { eventually } from '@tributary/testing';
import { Topics, type CarrierUpdateReceived } from '@tributary/topics';
import { startWorker, type RunningWorker } from '../support/worker-fixture.js';

// A carrier update the worker's normalizer rejects (empty carrier): non-retryable, dead-lettered at once.
const invalid = (trackingId: string) => ({ trackingId, carrier: '', status: 'In Transit', occurredAt: '2026-11-23T10:00:00Z' }) as CarrierUpdateReceived;
const TOPIC = 'tracking.carrier-update.received';

interface Letter {
  id: string;
  status: string;
  redrives: number;
  tenantId: string;
  deadAt: string;
}

/**
 * Bulk recovery through the worker's admin API: POST /v1/dead-letters/redrive and /discard by filter (topic, group,
 * error code, time range), dry run, batches, idempotence, tenant scope and bad input.
 */
describe('bulk redrive and discard of dead letters (POST /v1/dead-letters/redrive|discard)', () => {
  let worker: RunningWorker;
  let acme: { id: string; apiKey: string };
  let globex: { id: string; apiKey: string };
  const acmeLetters: string[] = [];
  let globexLetter: string;

  const all = async (key: string, status = 'dead'): Promise<Letter[]> => (await worker.call(key, 'GET', `/v1/dead-letters?status=${status}&limit=500`)).body.items;
  const statusOf = async (id: string) => ((await worker.call(worker.adminKey, 'GET', `/v1/dead-letters/${id}`)).body as Letter).status;
  const bulk = async (key: string, action: 'redrive' | 'discard', body: object) => {
    const answer = await worker.call(key, 'POST', `/v1/dead-letters/${action}`, body);
    expect([answer.status, answer.body.error?.code]).toEqual([200, undefined]);
    return answer.body as { dryRun: boolean; matched: number; done: number; remaining: number; sample: Letter[] };
  };
  const snapshot = async () => (await all(worker.adminKey, 'dead')).map((l) => `${l.id}:${l.status}:${l.redrives}`).sort();

  beforeAll(async () => {
    worker = await startWorker();
    acme = await worker.tenant('bulk-acme');
    globex = await worker.tenant('bulk-globex');
    const published = [];
    for (let i = 0; i < 4; i++) published.push((await worker.publish(Topics.carrierUpdateReceived, invalid(`PKG-BULK-A${i}`), acme.id)).id);
    const g = await worker.publish(Topics.carrierUpdateReceived, invalid('PKG-BULK-G'), globex.id);
    const letters = await eventually(async () => all(worker.adminKey), (items) => items?.length === 5, { timeoutMs: 30_000 });
    for (const id of published) acmeLetters.push(letters.find((l) => (l as unknown as { messageId: string }).messageId === id)!.id);
    globexLetter = letters.find((l) => (l as unknown as { messageId: string }).messageId === g.id)!.id;
    // Two of acme's died two hours ago (the time-range filters tell them apart).
    await worker.dataSource.query(`UPDATE messaging.dead_letters SET dead_at = now() - interval '2 hours' WHERE id = ANY($1::bigint[])`, [acmeLetters.slice(0, 2)]);
  });

  afterAll(async () => {
    await worker?.stop();
  });

  it.each([
    ['topic', { topic: TOPIC }, 4],
    ['another topic', { topic: 'tracking.package.status-changed' }, 0],
    ['group', { group: 'integration-worker' }, 4],
    ['another group', { group: 'event-store' }, 0],
    ['error code', { errorCode: 'payload_invalid' }, 4],
    ['another error code', { errorCode: 'upstream_unavailable' }, 0],
    ['since (the last hour)', { since: new Date(Date.now() - 3_600_000).toISOString() }, 2],
    ['until (before the last hour)', { until: new Date(Date.now() - 3_600_000).toISOString() }, 2],
    ['topic and a time range together', { topic: TOPIC, since: new Date(Date.now() - 4 * 3_600_000).toISOString(), until: new Date(Date.now() - 3_600_000).toISOString() }, 2],
  ])('dry run by %s: counts and samples the tenant key\'s own letters, and changes nothing', async (_case, filter, count) => {
    const before = await snapshot();
    for (const action of ['redrive', 'discard'] as const) {
      const dry = await bulk(acme.apiKey, action, { ...filter, dryRun: true });
      expect(dry).toMatchObject({ dryRun: true, matched: count, done: 0, remaining: count });
      expect(dry.sample).toHaveLength(count);
      expect(dry.sample.every((l) => l.tenantId === acme.id && acmeLetters.includes(l.id))).toBe(true);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("counts every tenant's letters for the admin, and never another tenant's for a tenant key", async () => {
    expect((await bulk(worker.adminKey, 'redrive', { topic: TOPIC, dryRun: true })).matched).toBe(5);
    expect((await bulk(globex.apiKey, 'discard', { topic: TOPIC, dryRun: true })).sample.map((l) => l.id)).toEqual([globexLetter]);
    // The admin narrows to one tenant; a tenant key may name only its own.
    expect((await bulk(worker.adminKey, 'redrive', { topic: TOPIC, tenantId: globex.id, dryRun: true })).sample.map((l) => l.id)).toEqual([globexLetter]);
    expect((await bulk(acme.apiKey, 'redrive', { topic: TOPIC, tenantId: acme.id, dryRun: true })).matched).toBe(4);
    const other = await worker.call(acme.apiKey, 'POST', '/v1/dead-letters/discard', { topic: TOPIC, tenantId: globex.id });
    expect({ status: other.status, code: other.body.error?.code }).toEqual({ status: 403, code: 'admin_required' });
  });

  it('refuses bad input with 400 validation_failed and changes nothing', async () => {
    const before = await snapshot();
    const reader = await worker.tenant('bulk-reader', 'read_only');
    const cases: Array<[string | undefined, object, number, string]> = [
      [acme.apiKey, {}, 400, 'validation_failed'],
      [acme.apiKey, { dryRun: true }, 400, 'validation_failed'],
      [acme.apiKey, { topic: TOPIC, since: 'yesterday' }, 400, 'validation_failed'],
      [acme.apiKey, { topic: TOPIC, since: '2026-12-02T00:00:00Z', until: '2026-12-01T00:00:00Z' }, 400, 'validation_failed'],
      [acme.apiKey, { topic: TOPIC, until: '0000-01-01T00:00:00Z' }, 400, 'validation_failed'],
      [acme.apiKey, { errorCode: 'Not A Code' }, 400, 'validation_failed'],
      [acme.apiKey, { topic: TOPIC, dryRun: 'yes' }, 400, 'validation_failed'],
      [acme.apiKey, { topic: TOPIC, limit: 0 }, 400, 'validation_failed'],
      [acme.apiKey, { topic: TOPIC, limit: 1_000_000 }, 400, 'validation_failed'],
      [worker.adminKey, { topic: TOPIC, tenantId: 'acme' }, 400, 'validation_failed'],
      [reader.apiKey, { topic: TOPIC }, 403, 'read_only_key'],
      [undefined, { topic: TOPIC }, 401, 'unauthenticated'],
    ];
    for (const [key, body, status, code] of cases) {
      for (const action of ['redrive', 'discard']) {
        const answer = await worker.call(key, 'POST', `/v1/dead-letters/${action}`, body);
        expect({ action, body, status: answer.status, code: answer.body.error?.code, traced: typeof answer.body.traceId }).toEqual({ action, body, status, code, traced: 'string' });
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it("redrives a tenant's letters by filter in bounded calls: they are delivered again, a second call finds nothing more, the other tenant's stay", async () => {
    const started = new Date().toISOString();
    const first = await bulk(acme.apiKey, 'redrive', { topic: TOPIC, until: started, limit: 3 });
    expect(first).toMatchObject({ dryRun: false, matched: 4, done: 3, remaining: 1 });
    expect(first.sample.map((l) => l.id)).toEqual(acmeLetters.slice(0, 3));
    expect(first.sample.every((l) => l.status === 'redriven' && l.redrives === 1)).toBe(true);
    const rest = await bulk(acme.apiKey, 'redrive', { topic: TOPIC, until: started });
    expect(rest).toMatchObject({ matched: 1, done: 1, remaining: 0 });
    expect(await bulk(acme.apiKey, 'redrive', { topic: TOPIC, until: started })).toMatchObject({ matched: 0, done: 0, remaining: 0, sample: [] });
    expect(await statusOf(globexLetter)).toBe('dead');

    // Delivered again: the worker handles each message once more, which fails the same way, and it is dead again
    // (died now, after `started`: the same filter still finds nothing).
    const again = await eventually(
      async () => (await all(acme.apiKey)).filter((l) => acmeLetters.includes(l.id)),
      (letters) => letters.length === 4 && letters.every((l) => l.redrives === 1),
      { timeoutMs: 30_000 },
    );
    expect(again.every((l) => l.deadAt > started)).toBe(true);
    expect((await bulk(acme.apiKey, 'redrive', { topic: TOPIC, until: started, dryRun: true })).matched).toBe(0);
  });

  it('discards by filter across tenants with the admin key, once', async () => {
    const discarded = await bulk(worker.adminKey, 'discard', { topic: TOPIC, errorCode: 'payload_invalid' });
    expect(discarded).toMatchObject({ matched: 5, done: 5, remaining: 0 });
    expect(await bulk(worker.adminKey, 'discard', { topic: TOPIC, errorCode: 'payload_invalid' })).toMatchObject({ matched: 0, done: 0 });
    expect((await all(worker.adminKey, 'discarded')).map((l) => l.id).sort()).toEqual([...acmeLetters, globexLetter].sort());
    expect(await all(worker.adminKey)).toEqual([]);
  });
});
