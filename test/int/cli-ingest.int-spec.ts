import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@tributary/database';
import { startFakeUpstream, type FakeUpstream } from '@tributary/testing';
import { run, type CliResult } from '../../apps/cli/src/main.js';
import { ActionAnswerLog } from '../../apps/integration-worker/src/ingest/action-answer-log.js';
import { LogCapture, provisionTenant, startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { startWorker, type RunningWorker } from '../support/worker-fixture.js';

const TOPIC = 'tracking.carrier-update.received';
const update = (trackingId: string) => ({ trackingId, carrier: 'DHL', status: 'In Transit', occurredAt: '2026-11-23T10:00:00Z' });
const COMPANY = '44444444';
const ENTRY = { ico: COMPANY, obchodniJmeno: 'CLI Company, s.r.o.', dic: `CZ${COMPANY}` };

/**
 * `tributary ingest list|push` and `tributary actions data` through the real CLI (its `run`, as `bin/tributary.js`
 * calls it) against a running gateway and worker on one database, and a local registry that fails and stops.
 */
describe('tributary ingest and actions data against a running gateway and worker', () => {
  let worker: RunningWorker;
  let gateway: RunningGateway;
  let upstream: FakeUpstream;
  let dir: string;
  let env: Record<string, string>;
  let action: string;
  let otherKey: string;

  const json = (result: CliResult) => JSON.parse(result.exitCode === 0 ? result.stdout : result.stderr);
  const cli = (argv: string[], extraEnv: Record<string, string> = {}, stdin?: string) =>
    run(argv, { ...env, ...extraEnv }, dir, stdin === undefined ? {} : { stdin: async () => stdin });
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  const cacheAged = (ageSeconds: number, validSeconds: number) =>
    worker.dataSource.query(
      `UPDATE worker.action_data SET fetched_at = now() - make_interval(secs => $2), valid_until = now() + make_interval(secs => $3) WHERE action_id = $1`,
      [action, ageSeconds, validSeconds],
    );

  beforeAll(async () => {
    worker = await startWorker();
    gateway = await startGateway(worker.db.url, new LogCapture(), {}, worker.secrets);
    upstream = await startFakeUpstream();
    upstream.serve(`/ekonomicke-subjekty/${COMPANY}`, ENTRY);
    const tenant = await provisionTenant(gateway.admin, 'cli-ingest');
    otherKey = (await provisionTenant(gateway.admin, 'cli-ingest-other')).tenant.apiKey;
    const key = tenant.tenant.apiKey as string;
    const config = { baseUrl: upstream.url, companyId: COMPANY, timeoutMs: 500 };
    const deployment = await worker.call(key, 'POST', '/v1/deployments', { integration: 'company-registry', name: 'registry', config, allowPrivateNetwork: true });
    expect(deployment.status).toBe(201);
    const added = await worker.call(key, 'POST', `/v1/deployments/${(deployment.body as { id: string }).id}/actions`, { method: 'company-profile' });
    action = (added.body as { id: string }).id;
    dir = mkdtempSync(join(tmpdir(), 'tributary-cli-ingest-'));
    env = { TRIBUTARY_URL: gateway.base, TRIBUTARY_WORKER_URL: worker.url, TRIBUTARY_API_KEY: key };
  });

  afterEach(async () => {
    upstream.recover();
    await upstream.start();
  });

  afterAll(async () => {
    await upstream?.close();
    await gateway?.close();
    await worker?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('pushes a document from a file, once: the same file again answers the original entry', async () => {
    const path = file('doc.json', { topic: TOPIC, extId: 'erp-cli-1', validFrom: '2026-12-01T00:00:00Z', data: update('CLI-PUSH-1') });
    const pushed = await cli(['ingest', 'push', path]);
    expect(pushed).toMatchObject({ exitCode: 0, stderr: '' });
    const entry = json(pushed);
    expect(entry).toMatchObject({ created: true, extId: 'erp-cli-1', topic: TOPIC, actor: { kind: 'api_key' }, answer: { status: 202, code: null } });
    const again = json(await cli(['ingest', 'push', path]));
    expect(again).toMatchObject({ created: false, id: entry.id, eventId: entry.eventId });
  });

  it('pushes a document from standard input with -', async () => {
    const pushed = await cli(['ingest', 'push', '-'], {}, JSON.stringify({ topic: TOPIC, extId: 'erp-cli-stdin', data: update('CLI-PUSH-2') }));
    expect(pushed).toMatchObject({ exitCode: 0, stderr: '' });
    expect(json(pushed)).toMatchObject({ created: true, extId: 'erp-cli-stdin' });
  });

  it("lists the gateway's log by extId, since and page, and only the tenant's own", async () => {
    const [entry, ...rest] = json(await cli(['ingest', 'list', '--ext-id', 'erp-cli-1'])).data;
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({ extId: 'erp-cli-1', validFrom: '2026-12-01T00:00:00.000Z' });
    expect(json(await cli(['ingest', 'list', '--since', new Date(Date.now() + 60_000).toISOString()]))).toEqual({ data: [], nextCursor: null });
    const first = json(await cli(['ingest', 'list', '--limit', '1']));
    expect(first.data.map((e: { extId: string }) => e.extId)).toEqual(['erp-cli-1']);
    const second = json(await cli(['ingest', 'list', '--limit', '1', '--after', first.nextCursor]));
    expect(second.data.map((e: { extId: string }) => e.extId)).toEqual(['erp-cli-stdin']);
    expect(json(await cli(['ingest', 'list'], { TRIBUTARY_API_KEY: otherKey }))).toEqual({ data: [], nextCursor: null });
  });

  it('prints a data action\'s document with its status: 200 fresh, 200 from the cache within --max-age, 203 while the upstream fails', async () => {
    const fresh = await cli(['actions', 'data', action]);
    expect(fresh).toMatchObject({ exitCode: 0, stderr: '' });
    expect(json(fresh)).toMatchObject({ status: 200, source: 'upstream', ageSeconds: 0, data: { companyId: COMPANY, name: ENTRY.obchodniJmeno } });
    await cacheAged(120, 3600);
    expect(json(await cli(['actions', 'data', action, '--max-age', '600']))).toMatchObject({ status: 200, source: 'cache', ageSeconds: 120 });
    upstream.fail(503);
    expect(json(await cli(['actions', 'data', action, '--max-age', '60']))).toMatchObject({
      status: 203,
      source: 'cache',
      ageSeconds: 120,
      upstreamError: { code: 'upstream_unavailable' },
    });
  });

  it('fails with upstream_stale (exit 1), the expired document and its age, when the upstream is down and the cache expired', async () => {
    await cli(['actions', 'data', action]);
    await cacheAged(90_000, -3600);
    await upstream.stop();
    const stale = await cli(['actions', 'data', action]);
    expect(stale).toMatchObject({ exitCode: 1, stdout: '' });
    expect(json(stale)).toEqual({
      error: { code: 'upstream_stale', message: expect.stringContaining('upstream_unreachable') },
      status: 502,
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      ageSeconds: 90_000,
      data: expect.objectContaining({ companyId: COMPANY }),
    });
  });

  it("lists the worker's log (--app worker): the upstream's answers to the data action", async () => {
    await worker.app.get(ActionAnswerLog).flush();
    const { data } = json(await cli(['ingest', 'list', '--app', 'worker', '--ext-id', `${upstream.url}/ekonomicke-subjekty/${COMPANY}`, '--limit', '100']));
    expect(data.length).toBeGreaterThanOrEqual(3);
    expect(data[0]).toMatchObject({ actor: { kind: 'action', id: action }, topic: 'company-registry.company-profile', answer: { status: 200, code: null } });
    expect(data.map((e: { answer: { status: number } }) => e.answer.status)).toContain(503);
    expect(json(await cli(['ingest', 'list', '--app', 'worker'], { TRIBUTARY_API_KEY: otherKey }))).toEqual({ data: [], nextCursor: null });
  });

  it.each([
    ['an unknown --app', ['ingest', 'list', '--app', 'kafka'], 'option_invalid'],
    ['a --since that is no date', ['ingest', 'list', '--since', 'yesterday'], 'option_invalid'],
    ['a --limit of 0', ['ingest', 'list', '--limit', '0'], 'option_invalid'],
    ['an unknown option', ['ingest', 'list', '--topic', 'x'], 'option_invalid'],
    ['push without a file', ['ingest', 'push'], 'argument_missing'],
    ['push of a file that is not there', ['ingest', 'push', '/nonexistent/doc.json'], 'option_invalid'],
    ['actions data without an action', ['actions', 'data'], 'argument_missing'],
    ['actions data of no UUID', ['actions', 'data', 'not-an-id'], 'option_invalid'],
    ['a --max-age that is no number', ['actions', 'data', '7b0c3a52-8f1e-4a5c-9d3e-2f6a1b4c8d90', '--max-age', 'soon'], 'option_invalid'],
  ])('refuses %s with exit 2 (a usage error: the upstream is not called)', async (_case, argv, code) => {
    const before = upstream.calls.length;
    const result = await cli(argv);
    expect(result).toMatchObject({ exitCode: 2, stdout: '' });
    expect(json(result).error.code).toBe(code);
    expect(upstream.calls.length).toBe(before);
  });

  it('refuses standard input that is not a JSON object (exit 2), and a key-less call (exit 2)', async () => {
    const bad = await cli(['ingest', 'push', '-'], {}, 'not json');
    expect([bad.exitCode, json(bad).error.code]).toEqual([2, 'option_invalid']);
    const array = await cli(['ingest', 'push', file('array.json', '[]')]);
    expect([array.exitCode, json(array).error.code]).toEqual([2, 'option_invalid']);
    const keyless = await run(['ingest', 'list'], { TRIBUTARY_URL: gateway.base }, dir);
    expect([keyless.exitCode, json(keyless).error.code]).toEqual([2, 'api_key_missing']);
    const keylessData = await run(['actions', 'data', action], { TRIBUTARY_WORKER_URL: worker.url, TRIBUTARY_ADMIN_KEY: worker.adminKey }, dir);
    expect([keylessData.exitCode, json(keylessData).error.code]).toEqual([2, 'api_key_missing']);
  });

  it("reports the API's refusals as they came (exit 1, code, status, traceId), storing nothing", async () => {
    const [{ n: before }] = await gateway.dataSource.query(`SELECT count(*)::int AS n FROM gateway.ingest_log`);
    const unknown = await cli(['ingest', 'push', file('unknown.json', { topic: 'no.such.topic', extId: 'x', data: {} })]);
    expect(unknown.exitCode).toBe(1);
    expect(json(unknown)).toMatchObject({ error: { code: 'topic_unknown' }, status: 400, traceId: expect.any(String) });
    const noExtId = await cli(['ingest', 'push', file('no-ext-id.json', { topic: TOPIC, data: update('X') })]);
    expect(json(noExtId)).toMatchObject({ error: { code: 'validation_failed' }, status: 400 });
    const [{ n: after }] = await gateway.dataSource.query(`SELECT count(*)::int AS n FROM gateway.ingest_log`);
    expect(after).toBe(before);
    expect(json(await cli(['ingest', 'list', '--after', 'nope']))).toMatchObject({ error: { code: 'cursor_invalid' }, status: 400 });
    expect(json(await cli(['ingest', 'list', '--app', 'worker', '--after', 'nope']))).toMatchObject({ error: { code: 'cursor_invalid' }, status: 400 });
    const foreign = await cli(['actions', 'data', action], { TRIBUTARY_API_KEY: otherKey });
    expect([foreign.exitCode, json(foreign)]).toEqual([1, expect.objectContaining({ error: expect.objectContaining({ code: 'action_not_found' }), status: 404 })]);
  });

  it('says the worker is unreachable (exit 1)', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const result = await cli(['ingest', 'list', '--app', 'worker'], { TRIBUTARY_WORKER_URL: closed });
    expect([result.exitCode, json(result).error.code]).toEqual([1, 'worker_unreachable']);
  });

  it('prints each option of the ingest and actions data commands in their usage', async () => {
    const usage = (await cli(['ingest', 'help'])).stdout;
    for (const option of ['--ext-id', '--since', '--app', '--limit', '--after', '<file|->']) expect(usage).toMatch(new RegExp(`^ {8}${option.replace(/[|]/g, '\\|')} +\\S`, 'm'));
    const actions = (await cli(['actions', 'help'])).stdout;
    expect(actions).toContain('tributary actions data <actionId> [--max-age <seconds>]');
    expect(actions).toMatch(/^ {8}--max-age +the oldest cached document/m);
  });
});
