import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually } from '@tributary/testing';
import { CronScheduler } from '../../apps/integration-worker/src/schedules/cron-scheduler.js';
import { startWorker, type RunningWorker } from '../support/worker-fixture.js';

/** An endpoint that answers 200 at once, except for tracking ids starting with HANG (never answered until the end). */
async function startReceiver() {
  const calls: Array<{ trackingId: string; idempotencyKey: string }> = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      calls.push({ trackingId: body.trackingId, idempotencyKey: String(request.headers['idempotency-key']) });
      if (String(body.trackingId).startsWith('HANG')) hanging.push(response);
      else response.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"ok"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    calls,
    async stop() {
      hanging.forEach((r) => r.destroy());
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const input = (trackingId: string) => ({ trackingId, carrier: 'dhl', occurredAt: '2026-11-23T10:00:00.000Z', to: 'in_transit', version: 1, carrierStatus: 'In Transit' });

describe('the cron scheduler', () => {
  let a: RunningWorker;
  let b: RunningWorker;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let tenant: { id: string; apiKey: string };
  let actionId: string;

  const api = (method: string, path: string, body?: unknown) => a.call(tenant.apiKey, method, path, body);
  const firings = (scheduleId: string): Promise<Array<{ tick: Date; outcome: string; fired_by: string }>> =>
    a.dataSource.query(`SELECT tick, outcome, fired_by FROM worker.schedule_firings WHERE schedule_id = $1 ORDER BY tick`, [scheduleId]);

  beforeAll(async () => {
    receiver = await startReceiver();
    a = await startWorker();
    b = await startWorker({}, a); // a second replica on the same database
    tenant = await a.tenant('acme');
    const deployment = await api('POST', '/v1/deployments', {
      integration: 'webhook-relay',
      name: 'cron',
      config: { url: receiver.url, timeoutMs: 30_000 },
      credentials: { token: 'cron-token' },
      allowPrivateNetwork: true,
    });
    // Scheduled only: not on every state change.
    actionId = (await api('POST', `/v1/deployments/${deployment.body.id}/actions`, { method: 'relay-state-change', onTopic: false })).body.id;
  });

  afterAll(async () => {
    await receiver?.stop();
    await b?.stop();
    await a?.stop();
  });

  it('fires each tick exactly once with two live replicas competing for it, through the handler, and picks changes up without a restart', async () => {
    const created = await api('POST', `/v1/actions/${actionId}/schedules`, { cron: '* * * * * *', timeZone: 'Europe/Berlin', input: input('PKG-CRON'), timeoutMs: 60_000 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ cron: '* * * * * *', timeZone: 'Europe/Berlin', enabled: true, running: false });
    const id = created.body.id;
    // Both replicas are live and compete for the same schedule: each wins some of its ticks.
    const replicas = [a, b].map((r) => r.app.get(CronScheduler).instance);
    expect(new Set(replicas).size).toBe(2);
    const firedBy = (f: Array<{ outcome: string; fired_by: string }>) => new Set(f.filter((x) => x.outcome === 'fired').map((x) => x.fired_by));
    const early = await eventually(() => firings(id), (f) => f.filter((x) => x.outcome === 'fired').length >= 5 && firedBy(f).size === 2, { timeoutMs: 60_000 });
    expect([...firedBy(early)].sort()).toEqual([...replicas].sort());

    const changed = await api('PATCH', `/v1/schedules/${id}`, { input: input('PKG-CRON-CHANGED') });
    expect(changed.status).toBe(200);
    await eventually(async () => receiver.calls.some((c) => c.trackingId === 'PKG-CRON-CHANGED'), (seen) => seen, { timeoutMs: 30_000 });
    await api('PATCH', `/v1/schedules/${id}`, { enabled: false });
    const fired = (await firings(id)).filter((f) => f.outcome === 'fired');
    const runs = await eventually(
      () => a.dataSource.query(`SELECT state FROM worker.runs WHERE action_id = $1 AND trigger = 'schedule' AND state <> 'skip'`, [actionId]),
      (rows: Array<{ state: string }>) => rows.length >= fired.length && rows.every((r) => r.state === 'ok'),
      { timeoutMs: 30_000 },
    );
    const ticks = fired.map((f) => new Date(f.tick).toISOString());
    ticks.forEach((t) => expect(new Date(t).getTime() % 1000).toBe(0));
    // Exactly one firing per tick, whichever replica took it: one action request published per fired
    // tick — never two for a tick, never one for a tick that has no firing.
    const requested: Array<{ tick: string; n: number }> = await a.dataSource.query(
      `SELECT envelope->'data'->>'scheduledFor' AS tick, count(*)::int AS n FROM messaging.messages
        WHERE topic = 'integration.action.requested' AND envelope->'data'->>'actionId' = $1 AND envelope->'data'->>'trigger' = 'schedule'
        GROUP BY 1 ORDER BY 1`,
      [actionId],
    );
    expect(requested).toEqual(ticks.map((tick) => ({ tick, n: 1 })));
    // One run, and one call to the endpoint, per fired tick — never two, whichever replica fired it.
    expect(runs.length).toBe(fired.length);
    const cronCalls = receiver.calls.filter((c) => c.trackingId.startsWith('PKG-CRON'));
    expect(cronCalls.length).toBe(fired.length);
    expect(new Set(cronCalls.map((c) => c.idempotencyKey)).size).toBe(cronCalls.length);
  });

  it('skips ticks while a run holds the lock, and releases a run that hangs past its timeout', async () => {
    const created = await api('POST', `/v1/actions/${actionId}/schedules`, { cron: '* * * * * *', input: input('HANG-1'), timeoutMs: 3_000 });
    const id = created.body.id;
    const outcomes = await eventually(
      async () => (await firings(id)).map((f) => f.outcome),
      (o) => o.indexOf('fired') === 0 && o.includes('skipped_overlap') && o.lastIndexOf('fired') > o.indexOf('skipped_overlap'),
      { timeoutMs: 30_000 },
    );
    await api('PATCH', `/v1/schedules/${id}`, { enabled: false });
    expect(outcomes[0]).toBe('fired');
    const skipped = await a.dataSource.query(
      `SELECT skip_reason FROM worker.runs WHERE action_id = $1 AND trigger = 'schedule' AND state = 'skip'`,
      [actionId],
    );
    expect(skipped.length).toBeGreaterThanOrEqual(1);
    expect(skipped[0].skip_reason).toMatch(/^overlap/);
  });

  it('fires once for the latest missed tick after downtime, then waits for the next one', async () => {
    const created = await api('POST', `/v1/actions/${actionId}/schedules`, { cron: '0 0 * * * *', input: input('PKG-CATCHUP') });
    const id = created.body.id;
    // As if every replica had been down for five hours.
    await a.dataSource.query(`UPDATE worker.schedules SET next_fire_at = date_trunc('hour', now()) - interval '5 hours' WHERE id = $1`, [id]);
    const [firing] = await eventually(() => firings(id), (f) => f.length === 1, { timeoutMs: 30_000 });
    const [schedule] = (await api('GET', '/v1/schedules')).body.filter((s: { id: string }) => s.id === id);
    const hour = 3_600_000;
    expect(new Date(firing.tick).getTime() % hour).toBe(0);
    expect(Date.now() - new Date(firing.tick).getTime()).toBeLessThan(hour);
    expect(new Date(schedule.nextFireAt).getTime()).toBe(new Date(firing.tick).getTime() + hour);
    await api('PATCH', `/v1/schedules/${id}`, { enabled: false });
  });

  it('refuses bad schedules with coded errors and keeps tenants apart', async () => {
    const other = await a.tenant('globex');
    const cases: Array<[string, unknown, number, string]> = [
      [tenant.apiKey, { cron: '61 * * * *' }, 400, 'schedule_invalid'],
      [tenant.apiKey, { cron: '* * * * *', timeZone: 'Mars/Olympus_Mons' }, 400, 'schedule_invalid'],
      [tenant.apiKey, { cron: '* * * * *', input: { trackingId: 'X' } }, 400, 'payload_invalid'],
      [tenant.apiKey, { cron: 5 }, 400, 'validation_failed'],
      [other.apiKey, { cron: '* * * * *', input: input('X') }, 404, 'action_not_found'],
    ];
    const stored = async () => (await a.dataSource.query(`SELECT count(*)::int AS n FROM worker.schedules`))[0].n as number;
    const before = await stored();
    for (const [key, body, status, code] of cases) {
      const answer = await a.call(key, 'POST', `/v1/actions/${actionId}/schedules`, body);
      expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status, code });
    }
    // Nothing of a refused schedule was stored.
    expect(await stored()).toBe(before);
    expect((await a.call(other.apiKey, 'GET', '/v1/schedules')).body).toEqual([]);
    const mine = (await api('GET', '/v1/schedules')).body;
    expect((await a.call(other.apiKey, 'PATCH', `/v1/schedules/${mine[0].id}`, { enabled: true })).status).toBe(404);
    // A refused change leaves the schedule as it was.
    const refused = await api('PATCH', `/v1/schedules/${mine[0].id}`, { cron: '61 * * * *', input: input('PKG-NEVER') });
    expect({ status: refused.status, code: refused.body.error?.code }).toEqual({ status: 400, code: 'schedule_invalid' });
    expect((await api('GET', '/v1/schedules')).body).toEqual(mine);
    expect(await stored()).toBe(before);
  });
});
