import { createHash } from 'node:crypto';
import { eventually, startFakeCarrierApi, startFakeUpstream, type FakeCarrierApi, type FakeUpstream } from '@tributary/testing';
import { Topics } from '@tributary/topics';
import { startWorker, type RunningWorker } from '../../../../test/support/worker-fixture.js';
import type { Json } from '../../../../test/support/json.js';
import { ActionAnswerLog } from './action-answer-log.js';

type Tenant = { id: string; apiKey: string };

const T0 = '2026-12-01T08:00:00.000Z';
const METHOD = 'tracking.poll-carrier';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Runs of actions in the worker's ingest log: every answer a run of an action (here the DHL poller, by schedule and
 * by hand) gets through its `context.http` is an entry of its tenant's log — one per carrier call, a failing
 * upstream's answers too, each attempt of a retried run — read back over GET /v1/ingest on the worker's port.
 */
describe("the worker's ingest log: answers to runs of actions (context.http)", () => {
  let worker: RunningWorker;
  let dhl: FakeCarrierApi;
  let ups: FakeCarrierApi;
  let failing: FakeUpstream;
  let acme: Tenant;
  let globex: Tenant;

  const as = (tenant: Tenant) => (method: string, path: string, body?: unknown) => worker.call(tenant.apiKey, method, path, body);
  /** The log is written off the run: flush what was buffered, as its timer would. */
  const flushed = () => worker.app.get(ActionAnswerLog).flush();
  const entries = async (tenant: Tenant, query = '?limit=100'): Promise<Json[]> => {
    const answer = await as(tenant)('GET', `/v1/ingest${query}`);
    expect(answer.status).toBe(200);
    return (answer.body as { data: Json[] }).data;
  };
  const ofAction = async (tenant: Tenant, actionId: string) => {
    await flushed();
    return (await entries(tenant)).filter((e) => e.actor.id === actionId);
  };
  const statusOf = async (tenant: Tenant, trackingId: string): Promise<string | undefined> => {
    const [row] = await worker.dataSource.query<Array<{ status: string }>>(`SELECT status FROM worker.tracked_packages WHERE tenant_id = $1 AND tracking_id = $2`, [
      tenant.id,
      trackingId,
    ]);
    return row?.status;
  };
  /** A parcel the worker knows (as a push adapter would have left it). */
  const known = async (tenant: Tenant, trackingId: string, carrier = 'dhl') => {
    await worker.publish(Topics.packageUpdated, { trackingId, carrier, status: 'pre_transit', carrierStatus: 'pre_transit', occurredAt: T0 }, tenant.id);
    await eventually(() => statusOf(tenant, trackingId), (s) => s === 'pre_transit', { timeoutMs: 30_000 });
  };
  /** A poller action of `tenant` on `baseUrl` (DHL unless `fake` says otherwise). */
  const poller = async (tenant: Tenant, name: string, baseUrl: string, fake: FakeCarrierApi = dhl) => {
    const deployment = await as(tenant)('POST', '/v1/deployments', {
      integration: 'tracking',
      name,
      config: { carrier: fake.carrier, baseUrl },
      credentials: fake.credentials,
      allowPrivateNetwork: true, // the fakes listen on loopback
    });
    expect(deployment.status).toBe(201);
    const action = await as(tenant)('POST', `/v1/deployments/${deployment.body.id}/actions`, { method: 'poll-carrier' });
    expect(action.status).toBe(201);
    return action.body.id as string;
  };

  beforeAll(async () => {
    dhl = await startFakeCarrierApi('dhl');
    ups = await startFakeCarrierApi('ups');
    failing = await startFakeUpstream();
    worker = await startWorker();
    acme = await worker.tenant('acme');
    globex = await worker.tenant('globex');
  });

  afterAll(async () => {
    await worker?.stop();
    await dhl?.stop();
    await ups?.stop();
    await failing?.close();
  });

  it("a scheduled poller's carrier calls are one entry each, in its tenant's log only, with the run that made them", async () => {
    await known(acme, 'JJD-LOG-1');
    await known(acme, 'JJD-LOG-2');
    dhl.scan('JJD-LOG-1', { code: 'delivered', description: 'Delivered', at: '2026-12-01T10:00:00.000Z' });
    dhl.scan('JJD-LOG-2', { code: 'delivered', description: 'Delivered', at: '2026-12-01T11:00:00.000Z' });
    const actionId = await poller(acme, 'dhl-poller', dhl.url);
    const schedule = await as(acme)('POST', `/v1/actions/${actionId}/schedules`, { cron: '* * * * * *', input: {} });
    expect(schedule.status).toBe(201);
    await eventually(async () => [await statusOf(acme, 'JJD-LOG-1'), await statusOf(acme, 'JJD-LOG-2')], (s) => s.every((x) => x === 'delivered'), { timeoutMs: 30_000 });
    expect((await as(acme)('PATCH', `/v1/schedules/${schedule.body.id}`, { enabled: false })).status).toBe(200);
    // Delivered parcels are not asked about again: once the last run ended, every call the carrier got has its entry.
    await eventually(async () => ({ entries: (await ofAction(acme, actionId)).length, calls: dhl.calls.length }), (n) => n.calls >= 2 && n.entries === n.calls, {
      timeoutMs: 30_000,
    });

    const logged = await ofAction(acme, actionId);
    expect(logged.map((e) => e.answer)).toEqual(dhl.calls.map((c) => ({ status: c.status, code: null })));
    const runs = await worker.dataSource.query<Array<{ id: string; message_id: string }>>(
      `SELECT id, message_id FROM worker.runs WHERE action_id = $1 AND trigger = 'schedule'`,
      [actionId],
    );
    for (const entry of logged) {
      expect(entry).toMatchObject({
        actor: { kind: 'action', id: actionId },
        sourceIp: '127.0.0.1',
        // The URL without its query (the tracking number goes in it, a credential could).
        extId: `${dhl.url}/track/shipments`,
        contentType: expect.stringMatching(/^application\/json/),
        contentHash: sha256(entry.body as string),
        topic: METHOD,
        validFrom: null,
        validUntil: null,
        eventId: null,
      });
      expect(runs).toContainEqual({ id: entry.runId, message_id: entry.messageId });
    }
    expect(logged.map((e) => JSON.parse(e.body as string).shipments[0].id).sort()).toEqual(dhl.asked().sort());

    // Another tenant sees none of them (nor any entry: it has no actions).
    expect(await entries(globex)).toEqual([]);
    expect(await entries(globex, `?extId=${encodeURIComponent(`${dhl.url}/track/shipments`)}`)).toEqual([]);
  });

  it("a failing carrier's answers are kept, one per attempt of the retried run", async () => {
    await known(globex, 'JJD-DOWN-1');
    failing.fail(503);
    const actionId = await poller(globex, 'dhl-down', failing.url);
    const started = await as(globex)('POST', `/v1/actions/${actionId}/runs`, { input: {} });
    expect(started.status).toBe(202);
    // The route's retry: each attempt one call (attempts: 1), each failed upstream_unavailable. Two attempts suffice here.
    await eventually(async () => failing.calls.length, (n) => n >= 2, { timeoutMs: 30_000 });
    const run = (await as(globex)('GET', `/v1/runs/${started.body.runId}`)).body;
    expect(run).toMatchObject({ state: 'fail', errorCode: 'upstream_unavailable' });
    // Every call the carrier got has its entry (a later attempt may still come: compared as they settle).
    const logged = await eventually(
      () => ofAction(globex, actionId),
      (e) => e.length >= 2 && e.length === failing.calls.length,
      { timeoutMs: 30_000 },
    );
    for (const entry of logged) {
      expect(entry).toMatchObject({
        actor: { kind: 'action', id: actionId },
        sourceIp: '127.0.0.1',
        extId: `${failing.url}/track/shipments`,
        topic: METHOD,
        answer: { status: 503, code: 'upstream_unavailable' },
        runId: started.body.runId,
      });
    }
    // The attempts of one run: one message.
    expect(new Set(logged.map((e) => e.messageId)).size).toBe(1);
    expect((await entries(acme)).filter((e) => e.actor.id === actionId)).toEqual([]);
  }, 90_000);

  it("an OAuth token answer is kept by hash and size only (a credential), the tracking answers whole", async () => {
    await known(acme, '1Z999AA10123456799', 'ups');
    ups.scan('1Z999AA10123456799', { code: 'I', description: 'Departed from Facility', at: '2026-12-01T12:00:00.000Z' });
    const actionId = await poller(acme, 'ups-poller', ups.url, ups);
    const started = await as(acme)('POST', `/v1/actions/${actionId}/runs`, { input: {} });
    expect(started.status).toBe(202);
    await eventually(async () => (await as(acme)('GET', `/v1/runs/${started.body.runId}`)).body, (r) => r.state !== 'init', { timeoutMs: 30_000 });
    const logged = await eventually(() => ofAction(acme, actionId), (e) => e.length === ups.tokenCalls.length + ups.calls.length, { timeoutMs: 10_000 });
    const token = logged.filter((e) => e.extId === `${ups.url}/security/v1/oauth/token`);
    expect(token).toHaveLength(1);
    expect(token[0]).toMatchObject({ body: null, answer: { status: 200, code: null }, runId: started.body.runId });
    expect(token[0].bodySize).toBeGreaterThan(0);
    const tracking = logged.filter((e) => e.extId === `${ups.url}/api/track/v1/details/1Z999AA10123456799`);
    expect(tracking).toHaveLength(1);
    expect(tracking[0].body).toContain('1Z999AA10123456799');
    expect(JSON.stringify(logged)).not.toContain(ups.issued[0]);
  });
});
