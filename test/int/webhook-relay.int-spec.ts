import { randomUUID } from 'node:crypto';
import { createServer, get, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MessagePublisher, PostgresMessageLog, type Envelope } from '@tributary/messaging';
import { drainAndClose } from '@tributary/lifecycle';
import pg from 'pg';
import { eventually, forgottenFilterView, tenantTables } from '@tributary/testing';
import { Topics } from '@tributary/topics';
import { run } from '../../apps/cli/src/main.js';
import { startWorker, type RunningWorker } from '../support/worker-fixture.js';

const TOKEN = 'relay-token-d8f1c0e2a9b74c55';

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
  /** When the call arrived, on the receiver's clock (ms). */
  readonly at: number;
}

/** What the receiver does with the next calls for a package, instead of its default. */
type Step = 'fail' | 'hold';

/**
 * The tenant's own endpoint: answers 503 with Retry-After to the first call of each idempotency key
 * (1 s for package PKG-R1, 0 otherwise, to keep the suite short), then 200. A package can be given
 * steps instead: `fail` (503, Retry-After 0) or `hold` (no answer until `release`).
 */
async function startReceiver() {
  const received: Received[] = [];
  const seenKeys = new Set<string>();
  const plans = new Map<string, Step[]>();
  const held = new Map<string, Array<() => void>>();
  const ok = (response: ServerResponse) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `ext-${received.length}` }));
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      received.push({ headers: request.headers, body, at: performance.now() });
      const key = String(request.headers['idempotency-key']);
      const step = plans.get(body.trackingId)?.shift();
      if (step === 'fail') return void response.writeHead(503, { 'retry-after': '0' }).end();
      if (step === 'hold') return void held.set(body.trackingId, [...(held.get(body.trackingId) ?? []), () => ok(response)]);
      if (!step && !seenKeys.has(key)) {
        seenKeys.add(key);
        response.writeHead(503, { 'retry-after': body.trackingId === 'PKG-R1' ? '1' : '0' }).end();
        return;
      }
      ok(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    server,
    plan: (trackingId: string, steps: Step[]) => plans.set(trackingId, steps),
    /** Calls for the package waiting for `release`. */
    holding: (trackingId: string) => held.get(trackingId)?.length ?? 0,
    release(trackingId: string) {
      held.get(trackingId)?.forEach((answer) => answer());
      held.delete(trackingId);
    },
  };
}

/**
 * A local server a deployment that does not allow private networks must never reach: on 127.0.0.1 and,
 * where the host has v6 loopback, on ::1 at the same port, so that every loopback spelling leads to it.
 */
async function startSink() {
  let connections = 0;
  const servers = [0, 1].map(() => createServer((_, response) => response.writeHead(200).end()).on('connection', () => connections++));
  await new Promise<void>((resolve) => servers[0].listen(0, '127.0.0.1', resolve));
  const { port } = servers[0].address() as AddressInfo;
  await new Promise<void>((resolve) => servers[1].once('error', () => resolve()).listen(port, '::1', resolve));
  return {
    port,
    connections: () => connections,
    stop: () => Promise.all(servers.filter((s) => s.listening).map((s) => new Promise((resolve) => s.close(resolve)))),
  };
}

/** A GET on a fresh connection (as a kubelet's probe makes): its status and body, or the connection error. */
function probe(url: string): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const request = get(url, { agent: false }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
  });
}

describe('the docs example integration (webhook-relay), deployments, actions and runs', () => {
  let worker: RunningWorker;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let sink: Awaited<ReturnType<typeof startSink>>;
  let acme: { id: string; apiKey: string };
  let globex: { id: string; apiKey: string };
  let deploymentId: string;
  let actionId: string;

  const as = (tenant: { apiKey: string }) => (method: string, path: string, body?: unknown) => worker.call(tenant.apiKey, method, path, body);
  const stateChange = (trackingId: string, to = 'in_transit', version = 1) => ({
    trackingId,
    carrier: 'dhl',
    occurredAt: '2026-11-23T10:00:00.000Z',
    to,
    version,
    carrierStatus: 'In Transit',
  });
  const relayedFor = (trackingId: string) => receiver.received.filter((r) => r.body.trackingId === trackingId);

  beforeAll(async () => {
    receiver = await startReceiver();
    sink = await startSink();
    worker = await startWorker();
    acme = await worker.tenant('acme');
    globex = await worker.tenant('globex');
  });

  afterAll(async () => {
    await worker?.stop();
    receiver?.server.closeAllConnections();
    await new Promise((resolve) => receiver?.server.close(resolve));
    await sink?.stop();
  });

  it('creates a deployment whose credentials are stored encrypted and never come back', async () => {
    const created = await as(acme)('POST', '/v1/deployments', {
      integration: 'webhook-relay',
      name: 'ops',
      config: { url: receiver.url },
      credentials: { token: TOKEN },
      allowPrivateNetwork: true, // the receiver is on loopback
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      integration: 'webhook-relay',
      name: 'ops',
      config: { url: receiver.url },
      hasCredentials: true,
      allowPrivateNetwork: true,
      enabled: true,
      createdAt: expect.any(String),
    });
    deploymentId = created.body.id;
    const [row] = await worker.dataSource.query(`SELECT credentials_sealed FROM worker.deployments WHERE id = $1`, [deploymentId]);
    expect(row.credentials_sealed).toMatch(/^v1\./);
    expect(row.credentials_sealed).not.toContain(TOKEN);
    for (const answer of [await as(acme)('GET', '/v1/deployments'), await as(acme)('GET', `/v1/deployments/${deploymentId}`)]) {
      expect(answer.status).toBe(200);
      expect(JSON.stringify(answer.body)).not.toContain(TOKEN);
    }
    const action = await as(acme)('POST', `/v1/deployments/${deploymentId}/actions`, { method: 'relay-state-change' });
    expect(action.status).toBe(201);
    expect(action.body).toMatchObject({ method: 'relay-state-change', topic: 'tracking.package.state-changed', onTopic: true });
    actionId = action.body.id;
  });

  it('refuses bad deployments with coded errors, never echoing a credential, and stores nothing', async () => {
    const cases: Array<[unknown, number, string]> = [
      [{ integration: 'nope', name: 'x' }, 400, 'integration_unknown'],
      [{ integration: 'webhook-relay', name: 'x', config: { url: 'not a url' }, credentials: { token: TOKEN } }, 400, 'deployment_config_invalid'],
      [{ integration: 'webhook-relay', name: 'x', config: { url: receiver.url }, credentials: { token: TOKEN, extra: `${TOKEN}-2` } }, 400, 'deployment_credentials_invalid'],
      [{ integration: 'webhook-relay', name: 'ops', config: { url: receiver.url }, credentials: { token: TOKEN } }, 409, 'deployment_exists'],
      [{ integration: 'webhook-relay' }, 400, 'validation_failed'],
    ];
    for (const [body, status, code] of cases) {
      const answer = await as(acme)('POST', '/v1/deployments', body);
      expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status, code });
      expect(JSON.stringify(answer.body)).not.toContain(TOKEN);
    }
    const tracking = await as(acme)('POST', `/v1/deployments/${deploymentId}/actions`, { method: 'notify-customer' });
    expect(tracking.body.error.code).toBe('method_unknown');
    expect((await worker.dataSource.query(`SELECT count(*)::int AS n FROM worker.deployments`))[0].n).toBe(1);
  });

  it('relays a state change once, with the token and an Idempotency-Key, retrying a 503 after Retry-After, and records the run', async () => {
    const [sent] = await Promise.all([worker.publish(Topics.packageStateChanged, stateChange('PKG-R1'), acme.id)]);
    await eventually(async () => relayedFor('PKG-R1').length, (n) => n === 2, { timeoutMs: 30_000 });
    const [first, second] = relayedFor('PKG-R1');
    // The retry came no sooner than the Retry-After (1 s, less timer granularity) after the 503, on the receiver's clock.
    expect(second.at - first.at).toBeGreaterThanOrEqual(950);
    expect(second.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(second.headers['idempotency-key']).toMatch(/^trb_/);
    expect(second.headers['idempotency-key']).toBe(first.headers['idempotency-key']);
    expect(second.body).toMatchObject({ event: 'package.state_changed', tenantId: acme.id, trackingId: 'PKG-R1', to: 'in_transit' });

    // Delivered again: the relay does not call again.
    await worker.dataSource.transaction((m) => worker.app.get(PostgresMessageLog).append(m, [sent as Envelope]));
    await worker.publish(Topics.packageStateChanged, stateChange('PKG-R1', 'delivered', 2), acme.id); // barrier on the same key
    await eventually(async () => relayedFor('PKG-R1').length, (n) => n === 4, { timeoutMs: 30_000 });
    expect(relayedFor('PKG-R1').map((r) => r.body.to)).toEqual(['in_transit', 'in_transit', 'delivered', 'delivered']);

    // A run is recorded (`init`) before its call and ended after it: wait for both to end.
    const runs = await eventually(
      async () => (await as(acme)('GET', `/v1/runs?actionId=${actionId}`)).body.items,
      (items: Array<{ state: string; trigger: string }>) => items.length === 2 && items.every((r) => r.state !== 'init'),
      { timeoutMs: 30_000 },
    );
    expect(runs.map((r: { state: string; trigger: string }) => [r.state, r.trigger])).toEqual([['ok', 'topic'], ['ok', 'topic']]);
    expect(runs[0]).toMatchObject({ integration: 'webhook-relay', method: 'relay-state-change', foreignId: expect.stringMatching(/^ext-/), responseHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.stringify(runs)).not.toContain(TOKEN);
  });

  it('runs an action by hand through the CLI, through the same handler and run history', async () => {
    const cli = (...argv: string[]) => run(argv, { TRIBUTARY_WORKER_URL: worker.url, TRIBUTARY_ADMIN_KEY: worker.adminKey });
    const result = await cli('actions', 'run', '--id', actionId, '--input', JSON.stringify(stateChange('PKG-MANUAL', 'exception', 3)), '--wait');
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ actionId, trigger: 'manual', state: 'ok', foreignId: expect.stringMatching(/^ext-/) });
    expect(relayedFor('PKG-MANUAL').at(-1)!.body).toMatchObject({ to: 'exception', version: 3 });
    // A run by hand that fails is retried under its one run record, which counts the attempt it is at.
    receiver.plan('PKG-MANUAL-RETRY', ['fail', 'fail', 'fail']);
    const retried = await cli('actions', 'run', '--id', actionId, '--input', JSON.stringify(stateChange('PKG-MANUAL-RETRY')));
    const { runId } = JSON.parse(retried.stdout) as { runId: string };
    const settled = await eventually(async () => (await as(acme)('GET', `/v1/runs/${runId}`)).body, (r: { state: string }) => r.state === 'ok', { timeoutMs: 30_000 });
    expect(settled).toMatchObject({ trigger: 'manual', state: 'ok', attempt: 2 });
    const bad = await cli('actions', 'run', '--id', actionId, '--input', JSON.stringify({ trackingId: 'X' }));
    expect(bad.exitCode).toBe(1);
    expect(JSON.parse(bad.stderr)).toMatchObject({ error: { code: 'payload_invalid' }, status: 400 });
    expect((await cli('actions', 'run', '--id', 'nope')).exitCode).toBe(2);
  });

  it('refuses loopback addresses unless the deployment allows them, failing for good', async () => {
    const closed = await as(globex)('POST', '/v1/deployments', { integration: 'webhook-relay', name: 'strict', config: { url: receiver.url }, credentials: { token: TOKEN } });
    const action = await as(globex)('POST', `/v1/deployments/${closed.body.id}/actions`, { method: 'relay-state-change' });
    await worker.publish(Topics.packageStateChanged, stateChange('PKG-LOCAL'), globex.id);
    const [failed] = await eventually(async () => (await as(globex)('GET', `/v1/runs?actionId=${action.body.id}`)).body.items, (items) => items.length === 1, { timeoutMs: 30_000 });
    expect(failed).toMatchObject({ state: 'fail', errorCode: 'address_not_allowed' });
    expect(relayedFor('PKG-LOCAL')).toEqual([]);
    const letters = await eventually(async () => (await worker.call(globex.apiKey, 'GET', '/v1/dead-letters')).body.items, (items) => items.length === 1);
    expect(letters[0]).toMatchObject({ errorCode: 'address_not_allowed', attempts: 1 });
    expect(JSON.stringify(letters)).not.toContain(TOKEN);
  });

  it('reports a handler that failed once on /metrics: a retry outcome, and the message deferred until its retry succeeds', async () => {
    // Long enough for the held call below to outlast any probe of it.
    expect((await as(acme)('PATCH', `/v1/deployments/${deploymentId}`, { config: { url: receiver.url, timeoutMs: 30_000 } })).status).toBe(200);
    const topic = Topics.packageStateChanged.name;
    const sample = async (name: string, labels: Record<string, string>) => {
      const text = await (await fetch(`${worker.url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
      return line === undefined ? 0 : Number(line.split(' ').at(-1));
    };
    const retries = () => sample('tributary_handler_duration_seconds_count', { topic, group: 'integration-worker', outcome: 'retry' });
    const oks = () => sample('tributary_handler_duration_seconds_count', { topic, group: 'integration-worker', outcome: 'ok' });
    const deferred = () => sample('tributary_deferred_messages', { group: 'integration-worker', topic });
    const attempts = (outcome: string) => sample('tributary_outbound_http_attempts_total', { outcome });
    const [retriesBefore, oksBefore] = [await retries(), await oks()];
    const [failedBefore, answeredBefore] = [await attempts('5xx'), await attempts('2xx')];
    expect(await deferred()).toBe(0);

    // Three 503s use up the outbound client's attempts: the handler fails once; its retry's call is held.
    receiver.plan('PKG-FLAKY', ['fail', 'fail', 'fail', 'hold']);
    await worker.publish(Topics.packageStateChanged, stateChange('PKG-FLAKY'), acme.id);
    await eventually(async () => receiver.holding('PKG-FLAKY'), (n) => n === 1, { timeoutMs: 30_000 });
    expect(await retries()).toBe(retriesBefore + 1);
    expect(await deferred()).toBe(1);

    receiver.release('PKG-FLAKY');
    await eventually(deferred, (n) => n === 0, { timeoutMs: 30_000 });
    expect(await oks()).toBe(oksBefore + 1);
    expect(await retries()).toBe(retriesBefore + 1);
    expect(relayedFor('PKG-FLAKY')).toHaveLength(4);
    // Each outbound attempt counted by its answer's status class: the three 503s, then the 200.
    expect(await attempts('5xx')).toBe(failedBefore + 3);
    expect(await attempts('2xx')).toBe(answeredBefore + 1);
  });

  it("keeps one package's calls in order when a relay fails in the middle of a batch", async () => {
    // Three state changes of one package reach the worker as one batch; the first one's calls fail (3 × 503):
    // the batch is redone one by one, and no later change may have been relayed before the first one's retry.
    receiver.plan('PKG-ORDER', ['fail', 'fail', 'fail']);
    await worker.app.get(MessagePublisher).publishAll(
      worker.dataSource,
      [1, 2, 3].map((version) => ({ topic: Topics.packageStateChanged, data: stateChange('PKG-ORDER', version === 3 ? 'delivered' : 'in_transit', version), origin: { tenantId: acme.id } })),
    );
    // The last change's calls: a 503 (the receiver's first answer to a key), then the 200.
    await eventually(async () => relayedFor('PKG-ORDER').filter((r) => r.body.version === 3).length, (n) => n === 2, { timeoutMs: 30_000 });
    const versions = relayedFor('PKG-ORDER').map((r) => r.body.version as number);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions)).toEqual(new Set([1, 2, 3]));
  });

  it("keeps every tenant's deployments, actions and runs to itself", async () => {
    expect((await as(globex)('GET', `/v1/deployments/${deploymentId}`)).status).toBe(404);
    expect((await as(globex)('GET', '/v1/deployments')).body.map((d: { name: string }) => d.name)).toEqual(['strict']);
    expect((await as(globex)('GET', '/v1/actions')).body.every((a: { id: string }) => a.id !== actionId)).toBe(true);
    expect((await as(globex)('POST', `/v1/actions/${actionId}/runs`, { input: stateChange('PKG-X') })).status).toBe(404);
    expect((await as(globex)('POST', `/v1/deployments/${deploymentId}/actions`, { method: 'relay-state-change' })).status).toBe(404);
    const theirs = (await as(globex)('GET', '/v1/runs')).body.items;
    expect(theirs.every((r: { tenantId: string }) => r.tenantId === globex.id)).toBe(true);
    const all = (await worker.call(worker.adminKey, 'GET', '/v1/runs')).body.items;
    expect(new Set(all.map((r: { tenantId: string }) => r.tenantId))).toEqual(new Set([acme.id, globex.id]));
  });

  it('refuses a deployment aimed at any spelling of a loopback address, the local server seeing no connection', async () => {
    const initech = await worker.tenant('initech');
    const port = sink.port;
    const urls = [
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://[::ffff:7f00:1]:${port}/`,
      `http://[0:0:0:0:0:ffff:127.0.0.1]:${port}/`,
      `http://[::127.0.0.1]:${port}/`,
      `http://127.1:${port}/`,
      `http://0x7f000001:${port}/`,
      `http://2130706433:${port}/`,
      `http://0177.0.0.1:${port}/`,
      `http://localhost:${port}/`,
      `http://[::1]:${port}/`,
      `http://0.0.0.0:${port}/`,
      `http://127.0.0.1:${port}/`,
    ];
    const urlOf = new Map<string, string>();
    for (const [index, url] of urls.entries()) {
      const deployment = await as(initech)('POST', '/v1/deployments', { integration: 'webhook-relay', name: `loopback-${index}`, config: { url: receiver.url }, credentials: { token: TOKEN } });
      // Written to the row: the API's URL check (validator.js isURL) turns some spellings away (127.1,
      // 2130706433, 0177.0.0.1), but it is not the guard, which must refuse whatever URL a row holds.
      await worker.dataSource.query(`UPDATE worker.deployments SET config = jsonb_set(config, '{url}', to_jsonb($2::text)) WHERE id = $1`, [deployment.body.id, url]);
      expect((await as(initech)('GET', `/v1/deployments/${deployment.body.id}`)).body.config.url).toBe(url);
      const action = await as(initech)('POST', `/v1/deployments/${deployment.body.id}/actions`, { method: 'relay-state-change' });
      urlOf.set(action.body.id, url);
      expect((await as(initech)('POST', `/v1/actions/${action.body.id}/runs`, { input: stateChange(`PKG-LOOPBACK-${index}`) })).status).toBe(202);
    }
    const runs = await eventually(
      async () => (await as(initech)('GET', '/v1/runs')).body.items as Array<{ actionId: string; state: string; errorCode: string | null }>,
      (items) => items.length === urls.length && items.every((r) => r.state !== 'init'),
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    const outcomes = runs.map((r) => [urlOf.get(r.actionId), r.state, r.errorCode]);
    expect(outcomes.sort()).toEqual(urls.map((url) => [url, 'fail', 'address_not_allowed']).sort());
    expect(sink.connections()).toBe(0);
  });

  it('changes a deployment\'s credentials and disables an action, without ever returning a credential', async () => {
    const NEW_TOKEN = 'relay-token-rotated-77c1e0f4';
    const updated = await as(acme)('PATCH', `/v1/deployments/${deploymentId}`, { credentials: { token: NEW_TOKEN } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: deploymentId, hasCredentials: true, enabled: true });
    expect(JSON.stringify(updated.body)).not.toContain(NEW_TOKEN);
    const requested = await as(acme)('POST', `/v1/actions/${actionId}/runs`, { input: stateChange('PKG-ROTATED') });
    expect(requested.status).toBe(202);
    await eventually(async () => relayedFor('PKG-ROTATED').length, (n) => n === 2, { timeoutMs: 30_000 });
    expect(relayedFor('PKG-ROTATED').map((r) => r.headers.authorization)).toEqual([`Bearer ${NEW_TOKEN}`, `Bearer ${NEW_TOKEN}`]);

    expect((await as(acme)('PATCH', `/v1/deployments/${deploymentId}`, { credentials: { token: '' } })).body.error.code).toBe('deployment_credentials_invalid');
    const disabled = await as(acme)('PATCH', `/v1/actions/${actionId}`, { enabled: false });
    expect(disabled.body).toMatchObject({ id: actionId, enabled: false });
    const refused = await as(acme)('POST', `/v1/actions/${actionId}/runs`, { input: stateChange('PKG-OFF') });
    expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 409, code: 'action_disabled' });
    expect((await as(globex)('PATCH', `/v1/deployments/${deploymentId}`, { enabled: false })).status).toBe(404);
    expect((await as(globex)('PATCH', `/v1/actions/${actionId}`, { enabled: true })).status).toBe(404);
  });

  it('row-level security: a query that forgets its tenant filter sees only its tenant’s rows of every worker tenant table', async () => {
    // Two fresh tenants with a row in every tenant table (written as the app's own role, as consumers do).
    const [one, two] = [await worker.tenant('rls-one'), await worker.tenant('rls-two')];
    const seeded: string[] = [];
    const seed = async (table: string, sql: string, params: unknown[]) => {
      await worker.dataSource.query(sql, params);
      if (!seeded.includes(table)) seeded.push(table);
    };
    for (const [index, { id: tenant }] of [one, two].entries()) {
      const [deployment, action, schedule] = [randomUUID(), randomUUID(), randomUUID()];
      await seed('worker.runs', `INSERT INTO worker.runs (id, tenant_id, integration, method, trigger, state) VALUES ($1, $2, 'webhook-relay', 'relay-state-change', 'manual', 'ok')`, [randomUUID(), tenant]);
      await seed('worker.effects', `INSERT INTO worker.effects (key, name, tenant_id, state, lease_until) VALUES ($1, 'rls', $2, 'done', now())`, [`rls-${tenant}`, tenant]);
      await seed('worker.deployments', `INSERT INTO worker.deployments (id, tenant_id, integration, name) VALUES ($1, $2, 'webhook-relay', 'rls')`, [deployment, tenant]);
      await seed('worker.actions', `INSERT INTO worker.actions (id, tenant_id, deployment_id, method, on_topic, enabled) VALUES ($1, $2, $3, 'relay-state-change', false, false)`, [action, tenant, deployment]);
      await seed('worker.schedules', `INSERT INTO worker.schedules (id, tenant_id, action_id, cron, time_zone, timeout_ms, enabled, next_fire_at) VALUES ($1, $2, $3, '0 0 1 1 *', 'UTC', 1000, false, now() + interval '1 year')`, [schedule, tenant, action]);
      await seed('worker.action_data', `INSERT INTO worker.action_data (action_id, tenant_id, document, fetched_at, valid_until) VALUES ($1, $2, '{}', now(), now())`, [action, tenant]);
      await seed('worker.schedule_firings', `INSERT INTO worker.schedule_firings (schedule_id, tick, tenant_id, outcome, run_id, fired_by) VALUES ($1, now(), $2, 'fired', $3, 'rls-test')`, [schedule, tenant, randomUUID()]);
      await seed('worker.tracked_packages', `INSERT INTO worker.tracked_packages (tenant_id, tracking_id, carrier, status, status_at, version) VALUES ($1, 'RLS-1', 'dhl', 'in_transit', now(), 1)`, [tenant]);
      await seed('worker.package_events', `INSERT INTO worker.package_events (tenant_id, tracking_id, status, occurred_at, carrier, carrier_status, message_id, outcome) VALUES ($1, 'RLS-1', 'in_transit', now(), 'dhl', 'In Transit', $2, 'applied')`, [tenant, randomUUID()]);
      await seed('worker.package_recipients', `INSERT INTO worker.package_recipients (tenant_id, tracking_id, email, language, consent) VALUES ($1, 'RLS-1', 'rls@example.com', 'en', true)`, [tenant]);
      await seed('worker.notification_opt_outs', `INSERT INTO worker.notification_opt_outs (tenant_id, email) VALUES ($1, 'rls@example.com')`, [tenant]);
      await seed('worker.mailbox', `INSERT INTO worker.mailbox (id, tenant_id, message_id, sender, recipient, subject, body, tracking_id) VALUES ($1, $2, 'rls', 'a@example.com', 'b@example.com', 's', 'b', 'RLS-1')`, [randomUUID(), tenant]);
      await seed('worker.notification_templates', `INSERT INTO worker.notification_templates (tenant_id, state, language, subject, body) VALUES ($1, 'delivered', 'en', 's', 'b')`, [tenant]);
      await seed('worker.ingest_log', `INSERT INTO worker.ingest_log (id, tenant_id, actor_kind, actor_id, content_hash, body_size, status, delivery_key, received_at) VALUES ($1, $2, 'action', $3, 'rls', 0, 200, $4, now())`, [randomUUID(), tenant, action, `rls-${tenant}`]);
      await seed('worker.requests', `INSERT INTO worker.requests (id, tenant_id, consumer, topic, reply_topic) VALUES ($1, $2, 'rls', 'rls', 'rls.reply')`, [randomUUID(), tenant]);
      await seed('worker.replies', `INSERT INTO worker.replies (tenant_id, in_reply_to, message_id, topic, envelope) VALUES ($1, $2, $3, 'rls.reply', '{}')`, [tenant, randomUUID(), randomUUID()]);
      await seed('worker.settlements', `INSERT INTO worker.settlements (token_hash, tenant_id, group_id, consumer, integration, method, run_id, message_id, topic, partition, "offset", key, envelope, attempt, deadline, state) VALUES ($1, $2, 'rls-test', 'rls', 'webhook-relay', 'relay-state-change', $3, $4, 'rls', 0, $5, 'rls', '{}', 1, now(), 'pending')`, [`rls-${tenant}`, tenant, randomUUID(), randomUUID(), index]);
      await seed('worker.carrier_poll_budgets', `INSERT INTO worker.carrier_poll_budgets (deployment_id, tenant_id, tokens, refilled_at) VALUES ($1, $2, 1, now())`, [deployment, tenant]);
      await seed('messaging.dead_letters', `INSERT INTO messaging.dead_letters (group_id, topic, partition, "offset", message_id, tenant_id, envelope, error_code, error_message, attempts) VALUES ('rls-test', 'rls', 0, $1, 'rls', $2, '{}', 'rls', 'rls', 1)`, [index, tenant]);
      await seed('messaging.deferred', `INSERT INTO messaging.deferred (group_id, key, topic, partition, "offset", message_id, tenant_id, envelope) VALUES ('rls-test', 'rls', 'rls', 0, $1, 'rls', $2, '{}')`, [index, tenant]);
    }
    // Every table with tenant rows is seeded: a new tenant table makes this fail until it is covered here.
    const tables = await tenantTables(worker.dataSource, ['worker', 'messaging']);
    expect(tables.map((t) => t.name).sort()).toEqual([...seeded].sort());
    // A table a tenant transaction can reach has row-level security on.
    expect(tables.filter((t) => t.reachable && !t.rowLevelSecurity)).toEqual([]);

    const view = await forgottenFilterView(worker.dataSource, ['worker', 'messaging'], [one.id, two.id]);
    for (const [table, seen] of Object.entries(view)) {
      for (const [tenant, tenants] of Object.entries(seen)) expect([table, tenant, tenants]).toEqual([table, tenant, tenants === 'denied' ? 'denied' : [tenant]]);
    }
    // Reached by tenant transactions (the tenant API), so behind row-level security rather than denied.
    const reachable = Object.entries(view).filter(([, seen]) => seen[one.id] !== 'denied').map(([table]) => table);
    expect(reachable).toEqual(expect.arrayContaining(['worker.deployments', 'worker.actions', 'worker.runs', 'worker.schedules', 'messaging.dead_letters', 'worker.mailbox', 'worker.tracked_packages', 'worker.action_data', 'worker.ingest_log', 'worker.settlements']));
  });

  it('drains on shutdown: readiness answers 503 while the message in hand finishes, then the listener closes', async () => {
    expect((await as(acme)('PATCH', `/v1/actions/${actionId}`, { enabled: true })).status).toBe(200);
    receiver.plan('PKG-DRAIN', ['hold']);
    await worker.publish(Topics.packageStateChanged, stateChange('PKG-DRAIN'), acme.id);
    await eventually(async () => receiver.holding('PKG-DRAIN'), (n) => n === 1, { timeoutMs: 30_000 });
    expect(await probe(`${worker.url}/health/ready`)).toMatchObject({ status: 200 });

    // What SIGTERM runs (exitOnSignals), without ending the test process.
    let closed = false;
    const draining = drainAndClose(worker.app).then(() => (closed = true));
    // Every probe on a fresh connection, for as long as the message is in hand: 503 (it was 200 just
    // before; only the drain changed), and still alive.
    for (let i = 0; i < 5; i++) expect(await probe(`${worker.url}/health/ready`)).toMatchObject({ status: 503 });
    expect(await probe(`${worker.url}/health/live`)).toMatchObject({ status: 200 });
    expect(closed).toBe(false);

    receiver.release('PKG-DRAIN');
    await draining;
    // The message in hand was finished and recorded before the app closed; then the listener went.
    expect(await probe(`${worker.url}/health/ready`)).toEqual({ error: 'ECONNREFUSED' });
    const db = new pg.Client({ connectionString: worker.db.url });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT state FROM worker.runs WHERE action_id = $1 ORDER BY started_at DESC LIMIT 1`, [actionId]);
      expect(rows).toEqual([{ state: 'ok' }]);
    } finally {
      await db.end();
    }
  });
});
