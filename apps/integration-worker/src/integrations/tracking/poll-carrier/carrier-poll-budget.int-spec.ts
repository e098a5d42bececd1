import { TenantContext } from '@tributary/tenancy';
import { eventually, startFakeCarrierApi, type FakeCarrierApi } from '@tributary/testing';
import { Topics } from '@tributary/topics';
import { startWorker, type RunningWorker } from '../../../../../../test/support/worker-fixture.js';
import { CarrierPollLimiter } from './carrier-poll-limiter.js';

type Tenant = { id: string; apiKey: string };

const at = (hour: number) => `2026-12-01T${String(hour).padStart(2, '0')}:00:00.000Z`;

/**
 * The carrier pollers' rate budget is one per carrier account (deployment) for all worker replicas: replicas on
 * one database never call a carrier faster than its budget between them, and a 429's Retry-After holds on every
 * replica. The bound a token bucket of `rpm` refilled at `rpm` a minute gives, over a span of `ms`.
 */
const bound = (rpm: number, ms: number) => rpm + Math.floor((ms * rpm) / 60_000);

describe('carrier poll budgets shared by the worker replicas (worker.carrier_poll_budgets)', () => {
  let first: RunningWorker;
  let second: RunningWorker | undefined;
  let third: RunningWorker | undefined;
  let firstOpen = true;
  let dhl: FakeCarrierApi;
  let acme: Tenant;

  const statusOf = async (worker: RunningWorker, tenant: Tenant, trackingId: string) =>
    (
      await worker.dataSource.query<Array<{ status: string }>>(`SELECT status FROM worker.tracked_packages WHERE tenant_id = $1 AND tracking_id = $2`, [
        tenant.id,
        trackingId,
      ])
    )[0]?.status;
  /** Open parcels the worker knows, each with a scan at the fake. */
  const open = async (worker: RunningWorker, tenant: Tenant, ids: string[]) => {
    for (const trackingId of ids) {
      dhl.scan(trackingId, { code: 'transit', description: 'In transit', at: at(12) });
      await worker.publish(Topics.packageUpdated, { trackingId, carrier: 'dhl', status: 'pre_transit', carrierStatus: 'pre_transit', occurredAt: at(8) }, tenant.id);
    }
    for (const trackingId of ids) await eventually(() => statusOf(worker, tenant, trackingId), (s) => s === 'pre_transit', { timeoutMs: 30_000 });
  };
  const poller = async (worker: RunningWorker, tenant: Tenant, name: string, config: Record<string, unknown>) => {
    const deployment = await worker.call(tenant.apiKey, 'POST', '/v1/deployments', {
      integration: 'tracking',
      name,
      config: { carrier: 'dhl', baseUrl: dhl.url, ...config },
      credentials: dhl.credentials,
      allowPrivateNetwork: true,
    });
    expect(deployment.status).toBe(201);
    const action = await worker.call(tenant.apiKey, 'POST', `/v1/deployments/${deployment.body.id}/actions`, { method: 'poll-carrier' });
    expect(action.status).toBe(201);
    return { deploymentId: deployment.body.id as string, actionId: action.body.id as string };
  };
  /** Runs the action through `worker`'s API; the run ends on whichever replica consumes it. */
  const poll = async (worker: RunningWorker, tenant: Tenant, actionId: string) => {
    const started = await worker.call(tenant.apiKey, 'POST', `/v1/actions/${actionId}/runs`, { input: {} });
    expect(started.status).toBe(202);
    return eventually(async () => (await worker.call(tenant.apiKey, 'GET', `/v1/runs/${started.body.runId}`)).body, (r) => r.state !== 'init', { timeoutMs: 60_000 });
  };
  const callsFor = (prefix: string) => dhl.calls.filter((c) => c.trackingId.startsWith(prefix));

  beforeAll(async () => {
    dhl = await startFakeCarrierApi('dhl');
    first = await startWorker();
    acme = await first.tenant('acme');
  });

  afterAll(async () => {
    await third?.stop();
    await second?.stop();
    if (firstOpen) await first?.app.close();
    await first?.db.drop();
    await dhl?.stop();
  });

  it('two replicas’ limiters taking at once from one deployment’s budget never grant more than the bucket holds', async () => {
    const replica = await startWorker({}, first);
    try {
      const { deploymentId } = await poller(first, acme, 'bucket', { requestsPerMinute: 6 });
      const tenant = TenantContext.trusted(acme.id, 'test');
      const limiters = [first.app.get(CarrierPollLimiter), replica.app.get(CarrierPollLimiter)];
      const started = Date.now();
      const grants = await Promise.all(Array.from({ length: 16 }, (_, i) => limiters[i % 2]!.take(tenant, deploymentId, 6, 1 + (i % 3))));
      const granted = grants.reduce((sum, g) => sum + g.granted, 0);
      expect(granted).toBeGreaterThanOrEqual(6); // the full bucket is handed out
      expect(granted).toBeLessThanOrEqual(bound(6, Date.now() - started));
      // Given back, never above the bucket's size.
      await limiters[0]!.settle(tenant, deploymentId, 6, 100, '');
      const [row] = await first.dataSource.query(`SELECT tokens FROM worker.carrier_poll_budgets WHERE deployment_id = $1`, [deploymentId]);
      expect(row.tokens).toBe(6);
    } finally {
      await replica.stop();
    }
  });

  it('a budget spent and a Retry-After received on one replica hold on another (the first one gone)', async () => {
    const spent = await poller(first, acme, 'spent', { requestsPerMinute: 3 });
    await open(first, acme, ['S-1', 'S-2', 'S-3', 'S-4', 'S-5']);
    const run = await poll(first, acme, spent.actionId);
    expect(run.state).toBe('ok');
    expect(callsFor('S-').map((c) => c.trackingId)).toEqual(['S-1', 'S-2', 'S-3']);

    const held = await poller(first, acme, 'held', {});
    await open(first, acme, ['H-1']);
    dhl.rateLimit(1, 3600);
    expect((await poll(first, acme, held.actionId)).skipReason).toBe('poll stopped: rate_limited');
    expect(callsFor('H-').map((c) => c.status)).toEqual([429]);

    // Another replica takes over; the first one stops (its consumer leaves the group).
    second = await startWorker({}, first);
    await first.app.close();
    firstOpen = false;
    const after = await poll(second, acme, spent.actionId);
    expect({ state: after.state, skipReason: after.skipReason }).toEqual({ state: 'skip', skipReason: 'poll stopped: rate_limit' });
    expect(callsFor('S-')).toHaveLength(3);
    const stillHeld = await poll(second, acme, held.actionId);
    expect(stillHeld.skipReason).toMatch(/^rate_limited: dhl asked to wait until /);
    expect(callsFor('H-')).toHaveLength(1);
  });

  it('runs on two live replicas at once call the carrier no faster than the budget between them', async () => {
    third = await startWorker({}, first);
    const live = [second!, third];
    const shared = await poller(third, acme, 'shared', { requestsPerMinute: 4 });
    const parcels = Array.from({ length: 12 }, (_, i) => `B-${String(i).padStart(2, '0')}`);
    await open(third, acme, parcels);
    const started = Date.now();
    // The same runs asked through both replicas' APIs at once (each run is consumed by one of them).
    const runs = await Promise.all(Array.from({ length: 8 }, (_, i) => poll(live[i % 2]!, acme, shared.actionId)));
    const elapsed = Date.now() - started;
    expect(runs.map((r) => r.state).filter((s) => s === 'fail')).toEqual([]);
    const calls = callsFor('B-');
    expect(calls.length).toBeGreaterThanOrEqual(4);
    expect(calls.length).toBeLessThanOrEqual(bound(4, elapsed));
    // The round goes on where the run that made the calls left it (the cursor is shared too).
    expect(calls.slice(0, 4).map((c) => c.trackingId)).toEqual(parcels.slice(0, 4));
    expect(runs.filter((r) => r.skipReason === 'poll stopped: rate_limit').length).toBeGreaterThan(0);
  });
});
