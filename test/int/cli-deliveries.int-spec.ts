import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendStandardWebhook, testSecrets } from '@tributary/testing';
import { run, type CliResult } from '../../apps/cli/src/main.js';
import { IngestLog } from '../../apps/gateway/src/ingest/ingest-log.js';
import { createTestDatabase, LogCapture, provisionTenant, readJson, startGateway, type RunningGateway, type TestDatabase } from '../support/gateway-harness.js';

const update = (trackingId: string) => ({ trackingId, carrier: 'DHL', status: 'In Transit', occurredAt: '2026-11-23T10:00:00Z' });
const WRONG_SECRET = 'whsec_' + Buffer.alloc(24, 7).toString('base64');

/** `tributary deliveries list` through the real CLI (its `run`) against a running gateway. */
describe('tributary deliveries list against a running gateway', () => {
  let db: TestDatabase;
  let gateway: RunningGateway;
  let dir: string;
  let env: Record<string, string>;
  let a: Awaited<ReturnType<typeof provisionTenant>>;
  let b: Awaited<ReturnType<typeof provisionTenant>>;
  let refusedTrace: string;

  const json = (result: CliResult) => JSON.parse(result.exitCode === 0 ? result.stdout : result.stderr);
  const cli = (argv: string[], extraEnv: Record<string, string> = {}) => run(argv, { ...env, ...extraEnv }, dir);
  const extIds = async (argv: string[], extraEnv: Record<string, string> = {}) => {
    const result = await cli(['deliveries', 'list', ...argv], extraEnv);
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    return json(result).data.map((d: { extId: string }) => d.extId);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    gateway = await startGateway(db.url, new LogCapture(), {}, testSecrets());
    a = await provisionTenant(gateway.admin, 'cli-deliveries-a');
    b = await provisionTenant(gateway.admin, 'cli-deliveries-b');
    expect((await sendStandardWebhook(a.webhook.url, a.webhook.secret, update('CLI-D-1'), { id: 'cli_ok' })).status).toBe(202);
    await gateway.app.get(IngestLog).flush();
    const refused = await sendStandardWebhook(a.webhook.url, WRONG_SECRET, update('CLI-D-2'), { id: 'cli_bad' });
    expect(refused.status).toBe(401);
    refusedTrace = (await readJson(refused)).traceId;
    expect((await sendStandardWebhook(b.webhook.url, b.webhook.secret, update('CLI-D-3'), { id: 'cli_b' })).status).toBe(202);
    await gateway.app.get(IngestLog).flush();
    dir = mkdtempSync(join(tmpdir(), 'tributary-cli-deliveries-'));
    env = { TRIBUTARY_URL: gateway.base, TRIBUTARY_API_KEY: a.tenant.apiKey as string, TRIBUTARY_ADMIN_KEY: gateway.admin.key as string };
  });

  afterAll(async () => {
    await gateway?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("lists the tenant's deliveries, newest first, and filters by each option", async () => {
    expect(await extIds([])).toEqual(['cli_bad', 'cli_ok']);
    expect(await extIds(['--status', '4xx'])).toEqual(['cli_bad']);
    expect(await extIds(['--status', '202'])).toEqual(['cli_ok']);
    expect(await extIds(['--code', 'signature_invalid'])).toEqual(['cli_bad']);
    expect(await extIds(['--trace-id', refusedTrace])).toEqual(['cli_bad']);
    expect(await extIds(['--webhook', a.webhook.id])).toEqual(['cli_bad', 'cli_ok']);
    expect(await extIds(['--webhook', b.webhook.id])).toEqual([]);
    expect(await extIds(['--since', new Date(Date.now() + 60_000).toISOString()])).toEqual([]);
    expect(await extIds(['--until', new Date(Date.now() + 60_000).toISOString(), '--limit', '1'])).toEqual(['cli_bad']);
  });

  it('pages with --limit and --after', async () => {
    const first = json(await cli(['deliveries', 'list', '--limit', '1']));
    expect(await extIds(['--limit', '1', '--after', first.nextCursor])).toEqual(['cli_ok']);
  });

  it("shows one tenant's deliveries to the admin with --tenant, and refuses it to a tenant key", async () => {
    expect(await extIds(['--tenant', b.tenant.id])).toEqual(['cli_b']);
    const asTenant = await cli(['deliveries', 'list', '--tenant', b.tenant.id], { TRIBUTARY_ADMIN_KEY: a.tenant.apiKey as string });
    expect(asTenant.exitCode).toBe(1);
    expect(json(asTenant).error.code).toBe('admin_required');
  });

  it('prints a table with the delivery columns', async () => {
    const table = await cli(['deliveries', 'list', '-o', 'table']);
    expect(table.exitCode).toBe(0);
    const [header, ...rows] = table.stdout.trim().split('\n');
    expect(header.split(/\s+/)).toEqual(['RECEIVEDAT', 'WEBHOOKID', 'EXTID', 'STATUS', 'CODE', 'TRACEID', 'DURATIONMS', 'EVENTID']);
    expect(rows.join('\n')).toContain(refusedTrace);
  });

  it('refuses a since that is no date (usage, exit 2) and a bad status (the API, 400)', async () => {
    const usage = await cli(['deliveries', 'list', '--since', 'yesterday']);
    expect([usage.exitCode, json(usage).error.code]).toEqual([2, 'option_invalid']);
    const bad = await cli(['deliveries', 'list', '--status', 'abc']);
    expect([bad.exitCode, json(bad).error.code]).toEqual([1, 'validation_failed']);
  });
});
