import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { createTestDatabase, testSecrets, type TestDatabase } from '@tributary/testing';
// Only this test boots the gateway; the CLI's own code talks to it over HTTP alone.
import { createGatewayApp, ensureAdminKey } from '../../apps/gateway/src/gateway.app.js';
import { loadGatewayConfig } from '../../apps/gateway/src/gateway.config.js';
import { run, type CliResult } from '../../apps/cli/src/main.js';

const TOPIC = 'tracking.carrier-update.received';
const payload = { trackingId: 'PKG-CLI-1', carrier: 'DHL', status: 'In Transit', occurredAt: '2026-11-23T10:00:00Z' };

describe('tributary CLI against a running gateway', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let base: string;
  let adminKey: string;
  let env: Record<string, string>;
  let emptyDir: string;

  const json = (result: CliResult) => JSON.parse(result.exitCode === 0 ? result.stdout : result.stderr);
  const cli = (...argv: string[]) => run(argv, env, emptyDir);

  beforeAll(async () => {
    db = await createTestDatabase();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = await createGatewayApp(
      loadGatewayConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent', PUBLIC_URL: base, ...testSecrets() }),
    );
    await app.listen(port, '127.0.0.1');
    adminKey = (await ensureAdminKey(app)).key;
    env = { TRIBUTARY_URL: base, TRIBUTARY_ADMIN_KEY: adminKey };
    emptyDir = mkdtempSync(join(tmpdir(), 'tributary-cli-'));
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    if (emptyDir) rmSync(emptyDir, { recursive: true, force: true });
  });

  it('creates a tenant, a webhook, and delivers to it', async () => {
    const tenantResult = await cli('tenant', 'create', '--name', 'acme');
    expect(tenantResult).toMatchObject({ exitCode: 0, stderr: '' });
    const tenant = json(tenantResult);
    expect(tenant).toMatchObject({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'acme', apiKey: expect.stringMatching(/^trb_/) });

    const webhookResult = await cli('webhook', 'create', '--tenant', tenant.id, '--topic', TOPIC);
    expect(webhookResult).toMatchObject({ exitCode: 0, stderr: '' });
    const webhook = json(webhookResult);
    expect(webhook).toMatchObject({
      id: expect.any(String),
      tenantId: tenant.id,
      topic: TOPIC,
      url: `${base}/webhooks/${webhook.id}`,
      secret: expect.stringMatching(/^whsec_/),
    });

    const sent = await cli('webhook', 'send', '--url', webhook.url, '--secret', webhook.secret, '--data', JSON.stringify(payload));
    expect(sent).toMatchObject({ exitCode: 0, stderr: '' });
    expect(json(sent)).toEqual({
      status: 202,
      messageId: expect.stringMatching(/^msg_/),
      body: { eventId: expect.stringMatching(/^[0-9a-f-]{36}$/), traceId: expect.any(String) },
    });
  });

  it("manages a tenant's apps, integrations, webhooks, secrets and keys with its API key", async () => {
    const tenant = json(await cli('tenant', 'create', '--name', 'managed'));
    const as = (key: string) => (...argv: string[]) => run(argv, { ...env, TRIBUTARY_API_KEY: key }, emptyDir);
    const owner = as(tenant.apiKey);
    const app = json(await owner('app', 'create', '--name', 'DHL', '--vendor', 'dhl', '--config', '{"account":"42"}'));
    expect(app).toMatchObject({ name: 'DHL', vendor: 'dhl', config: { account: '42' }, enabled: true });
    const integration = json(await owner('integration', 'create', '--name', 'tracking', '--apps', app.id));
    expect(integration).toMatchObject({ appIds: [app.id], subscription: { active: false } });
    const paid = json(await cli('integration', 'subscription', '--tenant', tenant.id, '--integration', integration.id, '--plan', 'pro', '--paid-until', '2099-01-01T00:00:00Z'));
    expect(paid.subscription).toMatchObject({ plan: 'pro', active: true });
    const webhook = json(await owner('webhook', 'create', '--app', app.id, '--topic', TOPIC, '--name', 'dhl push'));
    expect(webhook).toMatchObject({ appId: app.id, verifier: 'standard-webhooks', secret: expect.stringMatching(/^whsec_/) });
    const send = (secret: string) => cli('webhook', 'send', '--url', webhook.url, '--secret', secret, '--data', JSON.stringify(payload));
    expect((await send(webhook.secret)).exitCode).toBe(0);

    const rotated = json(await owner('secret', 'rotate', '--webhook', webhook.id, '--overlap', '0'));
    expect(rotated).toMatchObject({ active: true, secret: expect.stringMatching(/^whsec_/) });
    expect(json(await send(rotated.secret)).status).toBe(202);
    expect(json(await send(webhook.secret)).error.code).toBe('signature_invalid');
    const listed = json(await owner('secret', 'list', '--webhook', webhook.id));
    expect(listed.map((s: { active: boolean }) => s.active)).toEqual([false, true]);
    expect(JSON.stringify(listed)).not.toContain('whsec_');

    const reader = json(await owner('apikey', 'create', '--name', 'dashboard', '--role', 'read_only'));
    const readOnly = as(reader.key);
    expect(json(await readOnly('webhook', 'list')).data.map((w: { id: string }) => w.id)).toEqual([webhook.id]);
    const refused = await readOnly('webhook', 'update', '--webhook', webhook.id, '--enabled', 'false');
    expect([refused.exitCode, json(refused).error.code]).toEqual([1, 'role_insufficient']);
    expect(json(await owner('apikey', 'list', '--limit', '10')).data).toHaveLength(2);
    expect(json(await owner('apikey', 'revoke', '--key-id', reader.id)).revokedAt).toEqual(expect.any(String));
    expect(json(await readOnly('app', 'list')).error.code).toBe('unauthenticated');

    expect(json(await owner('webhook', 'update', '--webhook', webhook.id, '--enabled', 'false')).enabled).toBe(false);
    expect(json(await owner('app', 'update', '--app', app.id, '--name', 'DHL DE')).name).toBe('DHL DE');
    expect(json(await owner('tenant', 'show')).id).toBe(tenant.id);
    expect(json(await cli('tenant', 'update', '--tenant', tenant.id, '--rate-limit', '50')).rateLimitPerSecond).toBe(50);
    expect(json(await cli('tenant', 'list', '--limit', '1')).data).toHaveLength(1);

    const other = json(await cli('tenant', 'create', '--name', 'other'));
    const foreign = await as(other.apiKey)('app', 'show', '--app', app.id);
    expect([foreign.exitCode, json(foreign).error.code]).toEqual([1, 'app_not_found']);
    const noKey = await cli('app', 'list');
    expect([noKey.exitCode, json(noKey).error.code]).toEqual([2, 'api_key_missing']);
    expect(noKey.stderr + foreign.stderr).not.toContain(other.apiKey);
  });

  describe('-o json|table|yaml on a list and an object', () => {
    let owner: (...argv: string[]) => Promise<CliResult>;
    let apps: { id: string; name: string; vendor: string }[];

    beforeAll(async () => {
      const tenant = json(await cli('tenant', 'create', '--name', 'formats'));
      owner = (...argv) => run(argv, { ...env, TRIBUTARY_API_KEY: tenant.apiKey }, emptyDir);
      apps = [json(await owner('app', 'create', '--name', 'DHL', '--vendor', 'dhl', '--config', '{"account":"42"}'))];
      apps.push(json(await owner('app', 'create', '--name', 'UPS Europe', '--vendor', 'ups')));
    });

    it('json (the default and -o json): the same object', async () => {
      const [plain, list, shown] = await Promise.all([owner('app', 'list'), owner('app', 'list', '-o', 'json'), owner('app', 'show', '--app', apps[0]!.id, '--output', 'json')]);
      expect(list).toEqual(plain);
      expect(json(list).data.map((a: { id: string }) => a.id).sort()).toEqual(apps.map((a) => a.id).sort());
      expect(json(shown)).toMatchObject({ id: apps[0]!.id, name: 'DHL', config: { account: '42' } });
    });

    it('table: the list as aligned columns, the object as key/value rows, an error still JSON on stderr', async () => {
      const list = await owner('app', 'list', '-o', 'table');
      expect(list).toMatchObject({ exitCode: 0, stderr: '' });
      const [header, ...rows] = list.stdout.trimEnd().split('\n');
      expect(header).toMatch(/^ID +NAME +VENDOR +ENABLED +CREATEDAT$/);
      for (const app of apps) expect(rows).toContainEqual(expect.stringMatching(new RegExp(`^${app.id} +${app.name} +${app.vendor} +true +\\d{4}-`)));
      expect(rows.slice(0, 2).map((r) => r.indexOf(' true '))).toEqual([header!.indexOf('ENABLED') - 1, header!.indexOf('ENABLED') - 1]);

      const shown = await owner('app', 'show', '--app', apps[0]!.id, '-o', 'table');
      expect(shown.stdout).toMatch(new RegExp(`^id +${apps[0]!.id}$`, 'm'));
      expect(shown.stdout).toMatch(/^config +\{"account":"42"\}$/m);

      const missing = await owner('app', 'show', '--app', '00000000-0000-4000-8000-000000000000', '-o', 'table');
      expect(missing).toMatchObject({ exitCode: 1, stdout: '' });
      expect(JSON.parse(missing.stderr)).toMatchObject({ error: { code: 'app_not_found' }, status: 404 });
    });

    it('yaml: reads back as the JSON answer', async () => {
      const [list, listJson, shown, shownJson] = await Promise.all([
        owner('app', 'list', '-o', 'yaml'),
        owner('app', 'list'),
        owner('app', 'show', '--app', apps[1]!.id, '-o', 'yaml'),
        owner('app', 'show', '--app', apps[1]!.id),
      ]);
      expect(parseYaml(list.stdout)).toEqual(json(listJson));
      expect(parseYaml(shown.stdout)).toEqual(json(shownJson));
    });
  });

  it('accepts an admin key generated by the CLI once the gateway has registered it (TRIBUTARY_ADMIN_KEY)', async () => {
    const { key } = json(await cli('admin-key', 'generate'));
    const before = await run(['tenant', 'create', '--name', 'early'], { ...env, TRIBUTARY_ADMIN_KEY: key }, emptyDir);
    expect(json(before).error.code).toBe('unauthenticated');
    expect(await ensureAdminKey(app, key)).toEqual({ key, created: false });
    expect(await ensureAdminKey(app, key)).toEqual({ key, created: false });
    const after = await run(['tenant', 'create', '--name', 'operator'], { ...env, TRIBUTARY_ADMIN_KEY: key }, emptyDir);
    expect(json(after)).toMatchObject({ name: 'operator' });
  });

  it('resending with the same --id answers with the original event', async () => {
    const tenant = json(await cli('tenant', 'create', '--name', 'resend'));
    const webhook = json(await cli('webhook', 'create', '--tenant', tenant.id, '--topic', TOPIC));
    const send = () => cli('webhook', 'send', '--url', webhook.url, '--secret', webhook.secret, '--data', JSON.stringify(payload), '--id', 'msg_cli_repeat');
    const first = json(await send());
    const second = json(await send());
    expect(second.body.eventId).toBe(first.body.eventId);
  });

  it('reads the admin key from ./.tributary/admin-key when the variable is not set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-cli-'));
    try {
      mkdirSync(join(dir, '.tributary'));
      writeFileSync(join(dir, '.tributary', 'admin-key'), `${adminKey}\n`);
      const result = await run(['tenant', 'create', '--name', 'from-file'], { TRIBUTARY_URL: base }, dir);
      expect(result.exitCode).toBe(0);
      expect(json(result).name).toBe('from-file');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a bad admin key as an API error (exit 1) without printing the key', async () => {
    const badKey = 'trb_aaaaaaaaaaaa_' + 'b'.repeat(43);
    const result = await run(['tenant', 'create', '--name', 'nope'], { TRIBUTARY_URL: base, TRIBUTARY_ADMIN_KEY: badKey }, emptyDir);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(json(result)).toEqual({
      error: { code: 'unauthenticated', message: expect.any(String) },
      status: 401,
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(result.stderr).not.toContain(badKey);
  });

  it('reports a rejected delivery with the API error code (exit 1)', async () => {
    const tenant = json(await cli('tenant', 'create', '--name', 'badsig'));
    const webhook = json(await cli('webhook', 'create', '--tenant', tenant.id, '--topic', TOPIC));
    const otherSecret = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
    const result = await cli('webhook', 'send', '--url', webhook.url, '--secret', otherSecret, '--data', JSON.stringify(payload));
    expect(result.exitCode).toBe(1);
    expect(json(result)).toMatchObject({ error: { code: 'signature_invalid' }, status: 401, traceId: expect.any(String) });
  });

  it('reports an API validation error for an unknown topic (exit 1)', async () => {
    const tenant = json(await cli('tenant', 'create', '--name', 'badtopic'));
    const result = await cli('webhook', 'create', '--tenant', tenant.id, '--topic', 'no.such.topic');
    expect(result.exitCode).toBe(1);
    expect(json(result)).toMatchObject({ error: { code: 'validation_failed' }, status: 400 });
  });

  it('fails with exit 2 and sends nothing when --name is missing', async () => {
    const result = await cli('tenant', 'create');
    expect(result).toMatchObject({ exitCode: 2, stdout: '' });
    expect(json(result)).toEqual({ error: { code: 'option_missing', message: '--name is required' } });
  });

  it('fails with exit 2 when no admin key is configured', async () => {
    const result = await run(['tenant', 'create', '--name', 'x'], { TRIBUTARY_URL: base }, emptyDir);
    expect(result.exitCode).toBe(2);
    expect(json(result).error.code).toBe('admin_key_missing');
  });

  it('fails with exit 1 when the gateway cannot be reached', async () => {
    const port = await freePort();
    const result = await run(['tenant', 'create', '--name', 'x'], { TRIBUTARY_URL: `http://127.0.0.1:${port}`, TRIBUTARY_ADMIN_KEY: adminKey }, emptyDir);
    expect(result.exitCode).toBe(1);
    expect(json(result).error.code).toBe('gateway_unreachable');
    expect(result.stderr).not.toContain(adminKey);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
