import { eventually, startFakeCarrierApi, type FakeCarrierApi, type FakeCarrierName } from '@tributary/testing';
import { Topics } from '@tributary/topics';
import { startWorker, type RunningWorker } from '../../../../../../test/support/worker-fixture.js';

type Tenant = { id: string; apiKey: string };

const T0 = '2026-12-01T08:00:00.000Z';
const at = (hour: number) => `2026-12-01T${String(hour).padStart(2, '0')}:00:00.000Z`;

describe('carrier pollers (DHL, UPS, FedEx tracking APIs) as scheduled actions of the tracking integration', () => {
  let worker: RunningWorker;
  const fakes = {} as Record<FakeCarrierName, FakeCarrierApi>;
  let acme: Tenant;
  let globex: Tenant;

  const as = (tenant: Tenant) => (method: string, path: string, body?: unknown) => worker.call(tenant.apiKey, method, path, body);
  const statusOf = async (tenant: Tenant, trackingId: string): Promise<string | undefined> => {
    const [row] = await worker.dataSource.query<Array<{ status: string }>>(`SELECT status FROM worker.tracked_packages WHERE tenant_id = $1 AND tracking_id = $2`, [
      tenant.id,
      trackingId,
    ]);
    return row?.status;
  };
  /** A parcel the worker knows (as a push adapter would have left it). */
  const known = async (tenant: Tenant, carrier: string, trackingId: string, status: 'pre_transit' | 'delivered', occurredAt = T0) => {
    await worker.publish(Topics.packageUpdated, { trackingId, carrier, status, carrierStatus: status, occurredAt }, tenant.id);
    await eventually(() => statusOf(tenant, trackingId), (s) => s === status, { timeoutMs: 30_000 });
  };
  /** A poller action: a tracking deployment for the carrier's fake and its `poll-carrier` action. */
  const poller = async (tenant: Tenant, carrier: FakeCarrierName, config: Record<string, unknown> = {}, credentials: Record<string, string> = fakes[carrier].credentials) => {
    const fake = fakes[carrier];
    const deployment = await as(tenant)('POST', '/v1/deployments', {
      integration: 'tracking',
      name: `${carrier}-poller`,
      config: { carrier, baseUrl: fake.url, ...config },
      credentials,
      allowPrivateNetwork: true, // the fakes listen on loopback
    });
    expect(deployment.status).toBe(201);
    const action = await as(tenant)('POST', `/v1/deployments/${deployment.body.id}/actions`, { method: 'poll-carrier' });
    expect(action.status).toBe(201);
    expect(action.body).toMatchObject({ topic: 'tracking.carrier.poll.requested' });
    return action.body.id as string;
  };
  /** Runs the action by hand and waits for its run to end. */
  const poll = async (tenant: Tenant, actionId: string, input: Record<string, unknown> = {}) => {
    const started = await as(tenant)('POST', `/v1/actions/${actionId}/runs`, { input });
    expect(started.status).toBe(202);
    return eventually(async () => (await as(tenant)('GET', `/v1/runs/${started.body.runId}`)).body, (r) => r.state !== 'init', { timeoutMs: 30_000 });
  };

  beforeAll(async () => {
    for (const carrier of ['dhl', 'ups', 'fedex'] as const) fakes[carrier] = await startFakeCarrierApi(carrier);
    worker = await startWorker();
    acme = await worker.tenant('acme');
    globex = await worker.tenant('globex');
  });

  afterAll(async () => {
    await worker?.stop();
    await Promise.all(Object.values(fakes).map((f) => f.stop()));
  });

  it('a DHL poll moves an open parcel through the state machine; a delivered parcel is not asked about again', async () => {
    await known(acme, 'dhl', 'JJD-OPEN-1', 'pre_transit');
    await known(acme, 'dhl', 'JJD-DONE-1', 'delivered');
    fakes.dhl.scan('JJD-OPEN-1', { code: 'pre-transit', description: 'The shipment data has been received', at: T0 }, { code: 'transit', description: 'The shipment has been processed in the parcel center', at: at(10) });
    fakes.dhl.scan('JJD-DONE-1', { code: 'delivered', description: 'Delivered', at: T0 });
    const actionId = await poller(acme, 'dhl');

    const run = await poll(acme, actionId);
    expect(run.state).toBe('ok');
    await eventually(() => statusOf(acme, 'JJD-OPEN-1'), (s) => s === 'in_transit', { timeoutMs: 30_000 });
    expect(fakes.dhl.asked()).toEqual(['JJD-OPEN-1']);
    expect(fakes.dhl.calls[0].headers['dhl-api-key']).toBe(fakes.dhl.secret);
    const [event] = await worker.dataSource.query(
      `SELECT carrier_status, outcome FROM worker.package_events WHERE tenant_id = $1 AND tracking_id = 'JJD-OPEN-1' AND status = 'in_transit'`,
      [acme.id],
    );
    expect(event).toEqual({ carrier_status: 'The shipment has been processed in the parcel center', outcome: 'applied' });

    // Delivered on the next poll; after that the parcel is closed and never asked about again.
    fakes.dhl.scan('JJD-OPEN-1', { code: 'delivered', description: 'The shipment has been successfully delivered', at: at(15) });
    await poll(acme, actionId);
    await eventually(() => statusOf(acme, 'JJD-OPEN-1'), (s) => s === 'delivered', { timeoutMs: 30_000 });
    const third = await poll(acme, actionId);
    expect(third).toMatchObject({ state: 'skip', skipReason: 'no new scans' });
    expect(fakes.dhl.asked()).toEqual(['JJD-OPEN-1', 'JJD-OPEN-1']);
  });

  it('UPS on its schedule: the scheduler fires the poller and the parcel moves', async () => {
    await known(acme, 'ups', '1Z999AA10123456784', 'pre_transit');
    fakes.ups.scan('1Z999AA10123456784', { code: 'P', description: 'Pickup Scan', at: at(9) }, { code: 'I', description: 'Out For Delivery Today', at: at(11) });
    const actionId = await poller(acme, 'ups');
    const schedule = await as(acme)('POST', `/v1/actions/${actionId}/schedules`, { cron: '* * * * * *', input: {} });
    expect(schedule.status).toBe(201);
    await eventually(() => statusOf(acme, '1Z999AA10123456784'), (s) => s === 'out_for_delivery', { timeoutMs: 30_000 });
    expect((await as(acme)('PATCH', `/v1/schedules/${schedule.body.id}`, { enabled: false })).status).toBe(200);
    // The token issued for the deployment's client id and secret, not the secret itself.
    expect(fakes.ups.calls[0].headers.authorization).toBe(`Bearer ${fakes.ups.issued[0]}`);
    const [fired] = await worker.dataSource.query(`SELECT count(*)::int AS n FROM worker.runs WHERE action_id = $1 AND trigger = 'schedule'`, [actionId]);
    expect(fired.n).toBeGreaterThanOrEqual(1);
  });

  it('an unknown tracking number is noted and skipped, in each carrier’s answer shape, and the rest of the batch is polled', async () => {
    await known(acme, 'fedex', '000000000001', 'pre_transit');
    await known(acme, 'fedex', '794843185271', 'pre_transit');
    fakes.fedex.scan('794843185271', { code: 'PU', description: 'Picked up', at: at(9) }, { code: 'DL', description: 'Delivered', at: at(16) });
    const fedex = await poll(acme, await poller(acme, 'fedex'));
    expect(fedex.state).toBe('ok');
    await eventually(() => statusOf(acme, '794843185271'), (s) => s === 'delivered', { timeoutMs: 30_000 });
    expect(await statusOf(acme, '000000000001')).toBe('pre_transit');

    // DHL and UPS answer an unknown number with a 404 and their error body: the run is not failed for it.
    await known(acme, 'dhl', 'JJD-NOBODY', 'pre_transit');
    const [dhlAction] = await worker.dataSource.query(`SELECT a.id FROM worker.actions a WHERE a.tenant_id = $1 AND a.method = 'poll-carrier' ORDER BY a.created_at LIMIT 1`, [
      acme.id,
    ]);
    const dhl = await poll(acme, dhlAction.id);
    expect(dhl).toMatchObject({ state: 'skip', skipReason: 'no new scans (unknown tracking numbers: JJD-NOBODY)' });
    expect(fakes.dhl.calls.at(-1)).toMatchObject({ trackingId: 'JJD-NOBODY', status: 404 });
  });

  it('a 429 stops the run without failing it, and no call goes out before its Retry-After', async () => {
    await known(globex, 'dhl', 'G-429-A', 'pre_transit');
    await known(globex, 'dhl', 'G-429-B', 'pre_transit');
    fakes.dhl.scan('G-429-A', { code: 'transit', description: 'In transit', at: at(12) });
    fakes.dhl.scan('G-429-B', { code: 'transit', description: 'In transit', at: at(12) });
    const actionId = await poller(globex, 'dhl');
    const before = fakes.dhl.calls.length;
    fakes.dhl.rateLimit(1, 3600);

    const limited = await poll(globex, actionId);
    expect(limited.state).toBe('skip');
    expect(limited.skipReason).toBe('poll stopped: rate_limited');
    expect(fakes.dhl.calls.slice(before).map((c) => c.status)).toEqual([429]);
    // Within the hour the carrier asked for, a run makes no call at all.
    const held = await poll(globex, actionId);
    expect(held.skipReason).toMatch(/^rate_limited: dhl asked to wait until /);
    expect(fakes.dhl.calls.length).toBe(before + 1);
    expect(await statusOf(globex, 'G-429-A')).toBe('pre_transit');
    const [failures] = await worker.dataSource.query(`SELECT count(*)::int AS n FROM worker.runs WHERE action_id = $1 AND state = 'fail'`, [actionId]);
    expect(failures.n).toBe(0);
  });

  it('the per-carrier rate limit and the batch size leave the rest to the next run', async () => {
    const parcels = ['R-1', 'R-2', 'R-3'];
    for (const id of parcels) {
      await known(globex, 'ups', id, 'pre_transit');
      fakes.ups.scan(id, { code: 'I', description: 'Departed from Facility', at: at(12) });
    }
    const actionId = await poller(globex, 'ups', { requestsPerMinute: 2 });
    const first = await poll(globex, actionId);
    expect(first.state).toBe('ok');
    const asked = fakes.ups.calls.filter((c) => parcels.includes(c.trackingId)).map((c) => c.trackingId);
    expect(asked).toEqual(['R-1', 'R-2']);
    const second = await poll(globex, actionId);
    expect(second).toMatchObject({ state: 'skip', skipReason: 'poll stopped: rate_limit' });
    expect(fakes.ups.calls.filter((c) => parcels.includes(c.trackingId))).toHaveLength(2);
  });

  it("a tenant's poll never asks about, nor moves, another tenant's parcels", async () => {
    await known(acme, 'fedex', 'SHARED-1', 'pre_transit');
    await known(globex, 'fedex', 'GLOBEX-ONLY', 'pre_transit');
    fakes.fedex.scan('SHARED-1', { code: 'IT', description: 'In transit', at: at(13) });
    fakes.fedex.scan('GLOBEX-ONLY', { code: 'DL', description: 'Delivered', at: at(13) });
    const before = fakes.fedex.calls.length;
    const [acmeFedex] = await worker.dataSource.query(`SELECT a.id FROM worker.actions a JOIN worker.deployments d ON d.id = a.deployment_id WHERE a.tenant_id = $1 AND d.name = 'fedex-poller'`, [
      acme.id,
    ]);
    await poll(acme, acmeFedex.id);
    await eventually(() => statusOf(acme, 'SHARED-1'), (s) => s === 'in_transit', { timeoutMs: 30_000 });
    expect(fakes.fedex.calls.slice(before).map((c) => c.trackingId)).not.toContain('GLOBEX-ONLY');
    expect(await statusOf(globex, 'GLOBEX-ONLY')).toBe('pre_transit');
    // Nor can another tenant run, or read the runs of, acme's poller.
    expect((await as(globex)('POST', `/v1/actions/${acmeFedex.id}/runs`, { input: {} })).status).toBe(404);
  });

  it("each carrier's own unknown-number and 429 answers are handled the same way", async () => {
    const initech = await worker.tenant('initech');
    for (const carrier of ['dhl', 'ups', 'fedex'] as const) {
      const trackingId = `NOBODY-${carrier}`;
      await known(initech, carrier, trackingId, 'pre_transit');
      const actionId = await poller(initech, carrier);
      const unknown = await poll(initech, actionId);
      expect({ carrier, state: unknown.state, skipReason: unknown.skipReason }).toEqual({
        carrier,
        state: 'skip',
        skipReason: `no new scans (unknown tracking numbers: ${trackingId})`,
      });
      expect(fakes[carrier].calls.at(-1)).toMatchObject({ trackingId, status: carrier === 'fedex' ? 200 : 404 });

      fakes[carrier].rateLimit(1, 120);
      const limited = await poll(initech, actionId);
      expect({ carrier, state: limited.state, skipReason: limited.skipReason }).toEqual({ carrier, state: 'skip', skipReason: 'poll stopped: rate_limited' });
      expect(fakes[carrier].calls.at(-1)).toMatchObject({ trackingId, status: 429 });
      const calls = fakes[carrier].calls.length;
      expect((await poll(initech, actionId)).skipReason).toMatch(new RegExp(`^rate_limited: ${carrier} asked to wait until `));
      expect(fakes[carrier].calls).toHaveLength(calls);
    }
  });

  describe.each(['ups', 'fedex'] as const)('%s OAuth (client credentials exchanged for an access token)', (carrier) => {
    let tenant: Tenant;
    let actionId: string;
    const trackingId = `OAUTH-${carrier}-1`;
    const fake = () => fakes[carrier];
    const tokenRequests = () => fake().tokenCalls.length;
    const trackingCalls = () => fake().calls.filter((c) => c.trackingId === trackingId);

    beforeAll(async () => {
      tenant = await worker.tenant(`oauth-${carrier}`);
      await known(tenant, carrier, trackingId, 'pre_transit');
      fake().scan(trackingId, { code: carrier === 'ups' ? 'P' : 'PU', description: 'Picked up', at: at(9) });
      actionId = await poller(tenant, carrier);
    });

    it('fetches a token once, in the carrier’s own request shape, and reuses it across runs', async () => {
      const before = tokenRequests();
      expect((await poll(tenant, actionId)).state).toBe('ok');
      await eventually(() => statusOf(tenant, trackingId), (s) => s === 'in_transit', { timeoutMs: 30_000 });
      expect((await poll(tenant, actionId)).state).toBe('skip');
      expect((await poll(tenant, actionId)).state).toBe('skip');
      expect(tokenRequests()).toBe(before + 1);
      expect(fake().tokenCalls.at(-1)).toEqual({ status: 200, clientId: fake().credentials.clientId, contentType: 'application/x-www-form-urlencoded', grantType: 'client_credentials' });
      const token = fake().issued.at(-1);
      expect(trackingCalls().map((c) => [c.status, c.headers.authorization])).toEqual([
        [200, `Bearer ${token}`],
        [200, `Bearer ${token}`],
        [200, `Bearer ${token}`],
      ]);
    });

    it('after a 401 (token expired early) fetches a new token once and goes on; the next run reuses the new one', async () => {
      const before = { tokens: tokenRequests(), calls: trackingCalls().length };
      fake().expireTokens();
      fake().scan(trackingId, { code: carrier === 'ups' ? 'D' : 'DL', description: 'Delivered', at: at(17) });
      expect((await poll(tenant, actionId)).state).toBe('ok');
      await eventually(() => statusOf(tenant, trackingId), (s) => s === 'delivered', { timeoutMs: 30_000 });
      expect(tokenRequests()).toBe(before.tokens + 1);
      expect(trackingCalls().slice(before.calls).map((c) => [c.status, c.headers.authorization])).toEqual([
        [401, `Bearer ${fake().issued.at(-2)}`],
        [200, `Bearer ${fake().issued.at(-1)}`],
      ]);
      // A run on the new token: no token request (the parcel is delivered now: another one is asked about).
      const next = `OAUTH-${carrier}-2`;
      await known(tenant, carrier, next, 'pre_transit');
      await poll(tenant, actionId);
      expect(fake().calls.at(-1)).toMatchObject({ trackingId: next, status: carrier === 'fedex' ? 200 : 404, headers: { authorization: `Bearer ${fake().issued.at(-1)}` } });
      expect(tokenRequests()).toBe(before.tokens + 1);
    });

    it('does not reuse a token that expires within the renewal margin', async () => {
      fake().tokenLifetime(30);
      try {
        const other = await worker.tenant(`oauth-${carrier}-short`);
        await known(other, carrier, `SHORT-${carrier}`, 'pre_transit');
        const action = await poller(other, carrier);
        const before = tokenRequests();
        await poll(other, action);
        await poll(other, action);
        expect(tokenRequests()).toBe(before + 2);
      } finally {
        fake().tokenLifetime(3600);
      }
    });

    it('bad client credentials: the run fails carrier_auth_refused at once, one token request, no tracking call, no retry, no secret in the records', async () => {
      const other = await worker.tenant(`oauth-${carrier}-wrong`);
      await known(other, carrier, `WRONG-${carrier}`, 'pre_transit');
      const wrongSecret = `wrong-${carrier}-secret-value`;
      const action = await poller(other, carrier, {}, { clientId: fake().credentials.clientId, clientSecret: wrongSecret });
      const before = { tokens: tokenRequests(), calls: fake().calls.length };
      const run = await poll(other, action);
      expect({ state: run.state, attempt: run.attempt, errorCode: run.errorCode }).toEqual({ state: 'fail', attempt: 1, errorCode: 'carrier_auth_refused' });
      expect(run.errorMessage).toBe(`${carrier.toUpperCase()} refused the deployment's OAuth client credentials: its token endpoint answered 401`);
      expect(fake().tokenCalls.slice(before.tokens).map((c) => c.status)).toEqual([401]);
      expect(fake().calls.length).toBe(before.calls);
      // Not retried: the message is dead-lettered at its first attempt, with the same code.
      const [letter] = await eventually(
        () => worker.dataSource.query(`SELECT attempts, error_code, error_message FROM messaging.dead_letters WHERE message_id::text = (SELECT message_id::text FROM worker.runs WHERE id = $1)`, [run.id]),
        (rows) => rows.length === 1,
        { timeoutMs: 30_000 },
      );
      expect(letter).toMatchObject({ attempts: 1, error_code: 'carrier_auth_refused' });
      expect(fake().tokenCalls.length).toBe(before.tokens + 1);
      const recorded = JSON.stringify([run, letter, (await as(other)('GET', `/v1/runs?actionId=${action}`)).body]);
      for (const secret of [wrongSecret, fake().secret, ...fake().issued]) expect(recorded).not.toContain(secret);
    });
  });

  it('refuses a poller deployment for a carrier it cannot poll, and a bad poll input, storing nothing', async () => {
    const bad = await as(acme)('POST', '/v1/deployments', { integration: 'tracking', name: 'pigeon', config: { carrier: 'pigeon' }, credentials: {} });
    expect({ status: bad.status, code: bad.body.error?.code }).toEqual({ status: 400, code: 'deployment_config_invalid' });
    const [dhlAction] = await worker.dataSource.query(`SELECT id FROM worker.actions WHERE tenant_id = $1 AND method = 'poll-carrier' ORDER BY created_at LIMIT 1`, [acme.id]);
    const runsBefore = (await worker.dataSource.query(`SELECT count(*)::int AS n FROM worker.runs`))[0].n;
    const refused = await as(acme)('POST', `/v1/actions/${dhlAction.id}/runs`, { input: { limit: 0 } });
    expect({ status: refused.status, code: refused.body.error?.code }).toEqual({ status: 400, code: 'payload_invalid' });
    expect((await worker.dataSource.query(`SELECT count(*)::int AS n FROM worker.runs`))[0].n).toBe(runsBefore);
  });
});
