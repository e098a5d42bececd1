import { TenantContext, withTenant } from '@tributary/tenancy';
import { type Api, createTestDatabase, readJson, LogCapture, startGateway, type RunningGateway, type TestDatabase } from '../../../test/support/gateway-harness.js';

/**
 * The management REST API of the tenancy domain: every route, each called by the tenant that owns
 * the data, by another tenant (404, no data), by a read-only key (403 on writes, nothing changed)
 * and by the platform admin (tenant administration only).
 */
describe('management API /v1 (REST)', () => {
  let db: TestDatabase;
  let gateway: RunningGateway;
  const logs = new LogCapture();
  const secrets: string[] = [];
  let admin: Api;
  let a: { id: string; owner: Api; member: Api; reader: Api };
  let b: { id: string; owner: Api };
  // A's resources, created in beforeAll.
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    db = await createTestDatabase();
    gateway = await startGateway(db.url, logs);
    admin = gateway.admin;
    secrets.push(admin.key!);
    const ta = await admin.create('/v1/tenants', { name: 'acme' });
    const tb = await admin.create('/v1/tenants', { name: 'globex' });
    secrets.push(ta.apiKey, tb.apiKey);
    const owner = admin.as(ta.apiKey);
    const memberKey = await owner.create('/v1/api-keys', { name: 'ops', role: 'member' });
    const readerKey = await owner.create('/v1/api-keys', { name: 'dashboard', role: 'read_only' });
    secrets.push(memberKey.key, readerKey.key);
    a = { id: ta.id, owner, member: admin.as(memberKey.key), reader: admin.as(readerKey.key) };
    b = { id: tb.id, owner: admin.as(tb.apiKey) };
    ids.user = (await owner.create('/v1/users', { email: 'ada@acme.test', name: 'Ada', role: 'member' })).id;
    ids.apiKey = memberKey.id;
    ids.app = (await owner.create('/v1/apps', { name: 'DHL', vendor: 'dhl', config: { account: '123' } })).id;
    ids.integration = (await owner.create('/v1/integrations', { name: 'tracking', appIds: [ids.app] })).id;
    const webhook = await owner.create('/v1/webhooks', { appId: ids.app, topic: 'tracking.carrier-update.received', name: 'dhl pushes' });
    secrets.push(webhook.secret);
    ids.webhook = webhook.id;
    ids.secret = (await owner.get(`/v1/webhooks/${ids.webhook}/secrets`)).body[0].id;
    // B has resources of its own, so "B sees none of A's" is not trivially true.
    const bApp = await b.owner.create('/v1/apps', { name: 'UPS', vendor: 'ups' });
    await b.owner.create('/v1/integrations', { name: 'b', appIds: [bApp.id] });
    secrets.push((await b.owner.create('/v1/webhooks', { appId: bApp.id, topic: 'tracking.carrier-update.received' })).secret);
  });

  afterAll(async () => {
    await gateway?.close();
    await db?.drop();
  });

  const snapshot = async () => {
    const reads = await Promise.all(
      ['/v1/tenant', '/v1/users', '/v1/api-keys', '/v1/apps', '/v1/integrations', '/v1/webhooks', `/v1/webhooks/${ids.webhook}/secrets`].map((p) => a.owner.get(p)),
    );
    return JSON.stringify(reads.map((r) => r.body));
  };

  describe('tenants (platform admin)', () => {
    it('creates a tenant with an owner key shown once, and refuses to without the admin key', async () => {
      const created = await admin.post('/v1/tenants', { name: 'initech', rateLimitPerSecond: 50 });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'initech',
        enabled: true,
        rateLimitPerSecond: 50,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        apiKey: expect.stringMatching(/^trb_/),
      });
      secrets.push(created.body.apiKey);
      expect((await admin.get(`/v1/tenants/${created.body.id}`)).body).not.toHaveProperty('apiKey');
      const before = (await admin.get('/v1/tenants?limit=100')).body.data.length;
      expect((await admin.as(undefined).post('/v1/tenants', { name: 'x' })).status).toBe(401);
      expect((await admin.as('trb_aaaaaaaaaaaa_' + 'a'.repeat(43)).post('/v1/tenants', { name: 'x' })).status).toBe(401);
      const byTenant = await a.owner.post('/v1/tenants', { name: 'x' });
      expect(byTenant.status).toBe(403);
      expect(byTenant.body.error.code).toBe('admin_required');
      expect((await admin.get('/v1/tenants?limit=100')).body.data.length).toBe(before);
    });

    it('lists, gets and updates tenants; tenant keys cannot', async () => {
      const list = await admin.get('/v1/tenants');
      expect(list.body.data.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['acme', 'globex']));
      for (const [method, path, body] of [
        ['GET', '/v1/tenants', undefined],
        ['GET', `/v1/tenants/${a.id}`, undefined],
        ['PATCH', `/v1/tenants/${a.id}`, { name: 'mine now' }],
        ['POST', `/v1/tenants/${a.id}/api-keys`, { name: 'x', role: 'owner' }],
        ['PUT', `/v1/tenants/${a.id}/integrations/${ids.integration}/subscription`, { plan: 'free', paidUntil: '2099-01-01T00:00:00Z' }],
        ['POST', `/v1/tenants/${a.id}/webhooks`, { topic: 'tracking.carrier-update.received' }],
      ] as const) {
        const answer = await a.owner.call(method, path, body);
        expect([method, path, answer.status, answer.body.error.code]).toEqual([method, path, 403, 'admin_required']);
      }
      expect((await a.owner.get('/v1/tenant')).body.name).toBe('acme');
      const renamed = await admin.patch(`/v1/tenants/${b.id}`, { name: 'globex corp', rateLimitPerSecond: 10 });
      expect(renamed.body).toMatchObject({ name: 'globex corp', rateLimitPerSecond: 10, enabled: true });
      expect((await admin.patch(`/v1/tenants/${b.id}`, { rateLimitPerSecond: null })).body.rateLimitPerSecond).toBeNull();
      expect((await admin.get('/v1/tenants/0190f3b4-0000-7000-8000-000000000000')).status).toBe(404);
      expect((await admin.get('/v1/tenants/nope')).status).toBe(404);
    });

    it("a disabled tenant's keys are refused until it is enabled again", async () => {
      const t = await admin.create('/v1/tenants', { name: 'paused' });
      secrets.push(t.apiKey);
      expect((await admin.patch(`/v1/tenants/${t.id}`, { enabled: false })).body.enabled).toBe(false);
      const refused = await admin.as(t.apiKey).get('/v1/tenant');
      expect([refused.status, refused.body.error.code]).toEqual([403, 'tenant_disabled']);
      await admin.patch(`/v1/tenants/${t.id}`, { enabled: true });
      expect((await admin.as(t.apiKey).get('/v1/tenant')).status).toBe(200);
    });

    it('issues a recovery key for a tenant', async () => {
      const issued = await admin.post(`/v1/tenants/${b.id}/api-keys`, { name: 'recovery', role: 'owner' });
      expect(issued.status).toBe(201);
      secrets.push(issued.body.key);
      expect((await admin.as(issued.body.key).get('/v1/tenant')).body.id).toBe(b.id);
    });

    it('the platform admin key does not act inside a tenant', async () => {
      const answer = await admin.get('/v1/apps');
      expect([answer.status, answer.body.error.code]).toEqual([403, 'tenant_required']);
    });
  });

  describe('inside a tenant', () => {
    it('creates and reads every kind of resource', async () => {
      expect((await a.owner.get(`/v1/apps/${ids.app}`)).body).toMatchObject({ id: ids.app, name: 'DHL', vendor: 'dhl', config: { account: '123' }, enabled: true });
      expect((await a.owner.get(`/v1/integrations/${ids.integration}`)).body).toMatchObject({
        appIds: [ids.app],
        enabled: true,
        subscription: { plan: null, paidUntil: null, active: false },
      });
      const webhook = (await a.owner.get(`/v1/webhooks/${ids.webhook}`)).body;
      expect(webhook).toMatchObject({ id: ids.webhook, appId: ids.app, tenantId: a.id, verifier: 'standard-webhooks', url: `${gateway.base}/webhooks/${ids.webhook}` });
      expect(webhook).not.toHaveProperty('secret');
      expect((await a.owner.get(`/v1/users/${ids.user}`)).body).toMatchObject({ email: 'ada@acme.test', role: 'member', enabled: true });
      const key = (await a.owner.get(`/v1/api-keys/${ids.apiKey}`)).body;
      expect(key).toMatchObject({ name: 'ops', role: 'member', userId: null, revokedAt: null, prefix: expect.stringMatching(/^trb_[a-z0-9]{12}$/) });
      expect(JSON.stringify((await a.owner.get('/v1/api-keys')).body)).not.toMatch(/trb_[a-z0-9]{12}_/);
    });

    it('rejects bad input with 400 and stores nothing', async () => {
      const before = await snapshot();
      for (const [path, body, code] of [
        ['/v1/apps', { name: '', vendor: 'dhl' }, 'validation_failed'],
        ['/v1/apps', { name: 'x', vendor: 'DHL Express' }, 'validation_failed'],
        ['/v1/apps', { name: 'x', vendor: 'dhl', tenantId: b.id }, 'validation_failed'],
        ['/v1/apps', { name: 'x', vendor: 'dhl', config: { blob: 'x'.repeat(17_000) } }, 'validation_failed'],
        ['/v1/integrations', { name: 'x', appIds: [] }, 'validation_failed'],
        ['/v1/webhooks', { appId: ids.app, topic: 'no.such.topic' }, 'validation_failed'],
        ['/v1/webhooks', { appId: ids.app, topic: 'tracking.carrier-update.received', verifier: 'md5' }, 'validation_failed'],
        ['/v1/webhooks', { appId: ids.app, topic: 'tracking.carrier-update.received', secret: 'short' }, 'secret_invalid'],
        ['/v1/users', { email: 'not-an-email', role: 'owner' }, 'validation_failed'],
        ['/v1/api-keys', { name: 'no role' }, 'validation_failed'],
      ] as const) {
        const answer = await a.owner.post(path, body);
        expect([path, answer.status, answer.body.error.code]).toEqual([path, 400, code]);
        expect(answer.body.traceId).toBe(answer.headers.get('x-trace-id'));
      }
      const malformed = await fetch(`${gateway.base}/v1/apps`, {
        method: 'POST',
        headers: { authorization: `Bearer ${a.owner.key}`, 'content-type': 'application/json' },
        body: '{"name":',
      });
      expect(malformed.status).toBe(400);
      expect((await a.owner.get('/v1/apps?after=garbage')).body.error.code).toBe('cursor_invalid');
      expect((await a.owner.get('/v1/apps?limit=1000')).status).toBe(400);
      expect(await snapshot()).toBe(before);
    });

    it('pages through a list with cursors: every item once, in creation order', async () => {
      const made: string[] = [];
      for (let i = 0; i < 5; i++) made.push((await a.owner.create('/v1/apps', { name: `page ${i}`, vendor: 'dpd' })).id);
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const page: { body: { data: { id: string }[]; nextCursor: string | null } } = await a.owner.get(`/v1/apps?limit=2${after ? `&after=${after}` : ''}`);
        seen.push(...page.body.data.map((x) => x.id));
        after = page.body.nextCursor;
        pages++;
      } while (after);
      expect(seen).toEqual([ids.app, ...made]);
      expect(pages).toBe(3);
    });

    it('changes and disables resources (member), and keeps tenant links inside the tenant', async () => {
      const app = await a.member.create('/v1/apps', { name: 'temp', vendor: 'gls' });
      expect((await a.member.patch(`/v1/apps/${app.id}`, { name: 'GLS', enabled: false })).body).toMatchObject({ name: 'GLS', enabled: false });
      const integration = await a.member.create('/v1/integrations', { name: 'two apps', appIds: [ids.app, app.id] });
      expect(integration.appIds.sort()).toEqual([ids.app, app.id].sort());
      expect((await a.member.patch(`/v1/integrations/${integration.id}`, { appIds: [app.id], enabled: false })).body).toMatchObject({
        appIds: [app.id],
        enabled: false,
      });
      const bApps = (await b.owner.get('/v1/apps')).body.data;
      const foreign = await a.member.post('/v1/integrations', { name: 'steal', appIds: [bApps[0].id] });
      expect([foreign.status, foreign.body.error.code]).toEqual([404, 'app_not_found']);
      const foreignWebhook = await a.member.post('/v1/webhooks', { appId: bApps[0].id, topic: 'tracking.carrier-update.received' });
      expect([foreignWebhook.status, foreignWebhook.body.error.code]).toEqual([404, 'app_not_found']);
      expect((await a.member.patch(`/v1/webhooks/${ids.webhook}`, { rateLimitPerSecond: 20, name: 'renamed' })).body).toMatchObject({
        rateLimitPerSecond: 20,
        name: 'renamed',
      });
    });

    it('rotates webhook secrets with overlap, ends one, never shows a stored value', async () => {
      const webhook = await a.owner.create('/v1/webhooks', { appId: ids.app, topic: 'tracking.carrier-update.received', verifier: 'bearer' });
      secrets.push(webhook.secret);
      expect(webhook.secret).toMatch(/^whtok_/);
      const rotated = await a.member.post(`/v1/webhooks/${webhook.id}/secrets`, { overlapSeconds: 3600 });
      expect(rotated.status).toBe(201);
      secrets.push(rotated.body.secret);
      expect(rotated.body).toMatchObject({ active: true, expiresAt: null, secret: expect.stringMatching(/^whtok_/) });
      const list = (await a.reader.get(`/v1/webhooks/${webhook.id}/secrets`)).body;
      expect(list).toHaveLength(2);
      expect(list[0]).toMatchObject({ active: true, expiresAt: expect.any(String) });
      expect(Date.parse(list[0].expiresAt) - Date.now()).toBeGreaterThan(3_000_000);
      expect(JSON.stringify(list)).not.toContain('whtok_');
      const ended = await a.member.delete(`/v1/webhooks/${webhook.id}/secrets/${list[0].id}`);
      expect(ended.body).toMatchObject({ id: list[0].id, active: false });
      const last = await a.member.delete(`/v1/webhooks/${webhook.id}/secrets/${rotated.body.id}`);
      expect([last.status, last.body.error.code]).toEqual([409, 'last_secret']);
    });

    it('user keys act with the user role and die with the user; revoked keys stop at once', async () => {
      const user = await a.owner.create('/v1/users', { email: 'bob@acme.test', role: 'read_only' });
      const key = await a.owner.create('/v1/api-keys', { name: "bob's laptop", userId: user.id });
      secrets.push(key.key);
      expect(key).toMatchObject({ role: 'read_only', userId: user.id });
      const bob = admin.as(key.key);
      expect((await bob.post('/v1/apps', { name: 'x', vendor: 'x' })).status).toBe(403);
      await a.owner.patch(`/v1/users/${user.id}`, { role: 'member' });
      expect((await bob.post('/v1/apps', { name: 'by bob', vendor: 'x' })).status).toBe(201);
      await a.owner.patch(`/v1/users/${user.id}`, { enabled: false });
      expect((await bob.get('/v1/tenant')).status).toBe(401);
      const dup = await a.owner.post('/v1/users', { email: 'BOB@acme.test', role: 'member' });
      expect([dup.status, dup.body.error.code]).toEqual([409, 'user_exists']);
      const service = await a.owner.create('/v1/api-keys', { name: 'temp', role: 'read_only' });
      secrets.push(service.key);
      expect((await admin.as(service.key).get('/v1/tenant')).status).toBe(200);
      expect((await a.owner.delete(`/v1/api-keys/${service.id}`)).body.revokedAt).toEqual(expect.any(String));
      expect((await admin.as(service.key).get('/v1/tenant')).status).toBe(401);
    });
  });

  /** Every tenant-scoped route, with A's ids: [method, path, body, least role]. */
  const routes = (): [string, string, unknown, 'read_only' | 'member' | 'owner'][] => [
    ['GET', '/v1/tenant', undefined, 'read_only'],
    ['PATCH', '/v1/tenant', { name: 'renamed' }, 'owner'],
    ['GET', `/v1/users/${ids.user}`, undefined, 'read_only'],
    ['PATCH', `/v1/users/${ids.user}`, { role: 'owner' }, 'owner'],
    ['POST', '/v1/users', { email: 'eve@acme.test', role: 'owner' }, 'owner'],
    ['GET', `/v1/api-keys/${ids.apiKey}`, undefined, 'read_only'],
    ['DELETE', `/v1/api-keys/${ids.apiKey}`, undefined, 'owner'],
    ['POST', '/v1/api-keys', { name: 'x', role: 'owner' }, 'owner'],
    ['GET', `/v1/apps/${ids.app}`, undefined, 'read_only'],
    ['PATCH', `/v1/apps/${ids.app}`, { enabled: false }, 'member'],
    ['POST', '/v1/apps', { name: 'x', vendor: 'x' }, 'member'],
    ['GET', `/v1/integrations/${ids.integration}`, undefined, 'read_only'],
    ['PATCH', `/v1/integrations/${ids.integration}`, { enabled: false }, 'member'],
    ['POST', '/v1/integrations', { name: 'x', appIds: [ids.app] }, 'member'],
    ['GET', `/v1/webhooks/${ids.webhook}`, undefined, 'read_only'],
    ['PATCH', `/v1/webhooks/${ids.webhook}`, { enabled: false }, 'member'],
    ['POST', '/v1/webhooks', { appId: ids.app, topic: 'tracking.carrier-update.received' }, 'member'],
    ['GET', `/v1/webhooks/${ids.webhook}/secrets`, undefined, 'read_only'],
    ['POST', `/v1/webhooks/${ids.webhook}/secrets`, {}, 'member'],
    ['DELETE', `/v1/webhooks/${ids.webhook}/secrets/${ids.secret}`, undefined, 'member'],
  ];

  it("another tenant's key gets 404 and none of A's data on every route that names A's resources", async () => {
    const before = await snapshot();
    const named = routes().filter(([, path]) => Object.values(ids).some((id) => path.includes(id)) && !path.startsWith('/v1/tenant'));
    const aIds = Object.values(ids);
    for (const [method, path, body] of named) {
      const answer = await b.owner.call(method, path, body);
      expect([method, path, answer.status, answer.body.error.code]).toEqual([method, path, 404, expect.stringMatching(/_not_found$/)]);
      for (const id of aIds.filter((id) => !path.includes(id))) expect(JSON.stringify(answer.body)).not.toContain(id);
    }
    expect(await snapshot()).toBe(before);
  });

  it("another tenant's lists and own-tenant routes show only its own data", async () => {
    const aIds = Object.values(ids);
    for (const path of ['/v1/tenant', '/v1/users', '/v1/api-keys', '/v1/apps', '/v1/integrations', '/v1/webhooks', `/v1/webhooks?appId=${ids.app}`]) {
      const answer = await b.owner.get(path);
      expect([path, answer.status]).toEqual([path, 200]);
      const text = JSON.stringify(answer.body);
      for (const id of [...aIds, a.id]) expect(text).not.toContain(id);
    }
    expect((await b.owner.get(`/v1/webhooks?appId=${ids.app}`)).body.data).toEqual([]);
  });

  it('a read-only key cannot write anywhere (403, nothing changed); a member cannot do what needs an owner', async () => {
    const before = await snapshot();
    for (const [method, path, body, role] of routes()) {
      if (role === 'read_only') {
        expect([method, path, (await a.reader.call(method, path, body)).status]).toEqual([method, path, 200]);
        continue;
      }
      const answer = await a.reader.call(method, path, body);
      expect([method, path, answer.status, answer.body.error.code]).toEqual([method, path, 403, 'role_insufficient']);
      if (role === 'owner') {
        const byMember = await a.member.call(method, path, body);
        expect([method, path, byMember.status, byMember.body.error.code]).toEqual([method, path, 403, 'role_insufficient']);
      }
    }
    expect(await snapshot()).toBe(before);
  });

  it('row-level security: a query that forgets its tenant filter still sees only the tenant rows', async () => {
    const unfiltered = (tenantId: string) =>
      withTenant(gateway.dataSource, TenantContext.trusted(tenantId, 'test'), async (m) => {
        const rows: Record<string, string[]> = {};
        for (const table of ['gateway.apps', 'gateway.integrations', 'gateway.integration_apps', 'gateway.webhooks', 'gateway.webhook_secrets', 'tenancy.users', 'tenancy.api_keys']) {
          rows[table] = (await m.query(`SELECT DISTINCT tenant_id::text AS t FROM ${table}`)).map((r: { t: string }) => r.t);
        }
        rows['tenancy.tenants'] = (await m.query(`SELECT id::text AS t FROM tenancy.tenants`)).map((r: { t: string }) => r.t);
        return rows;
      });
    const [seenByA, seenByB] = [await unfiltered(a.id), await unfiltered(b.id)];
    for (const [table, tenants] of Object.entries(seenByA)) expect([table, tenants]).toEqual([table, [a.id]]);
    for (const [table, tenants] of Object.entries(seenByB)) expect([table, tenants]).toEqual([table, table === 'tenancy.users' ? [] : [b.id]]);
    // And it cannot write another tenant's rows either.
    await expect(
      withTenant(gateway.dataSource, TenantContext.trusted(b.id, 'test'), (m) => m.query(`INSERT INTO gateway.apps (id, tenant_id, name, vendor) VALUES (gen_random_uuid(), $1, 'x', 'x')`, [a.id])),
    ).rejects.toThrow(/row-level security/);
    const [{ n }] = await gateway.dataSource.query(`SELECT count(DISTINCT tenant_id)::int AS n FROM gateway.apps`);
    expect(n).toBeGreaterThanOrEqual(2);
  });

  it('documents every route in OpenAPI at /docs', async () => {
    const document = await readJson(await fetch(`${gateway.base}/docs-json`));
    const paths = Object.keys(document.paths);
    for (const [, path] of routes()) {
      const template = Object.entries(ids).reduce((p, [name, id]) => p.replace(id, `{${name}Id}`), path.split('?')[0]);
      const normalized = template.replace('{apiKeyId}', '{keyId}');
      expect(paths).toContain(normalized);
    }
    expect(paths).toEqual(expect.arrayContaining(['/v1/tenants', '/v1/tenants/{tenantId}', '/webhooks/{webhookId}']));
    for (const [path, operations] of Object.entries<Record<string, { summary?: string }>>(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) expect([method, path, operation.summary]).toEqual([method, path, expect.any(String)]);
    }
  });

  it('serves only its own domain (per-app API surfaces): tenancy, webhooks, the ingest log and delivery search, over REST and GraphQL', async () => {
    const document = await readJson(await fetch(`${gateway.base}/docs-json`));
    const own = /^\/(v1\/(tenants|tenant|users|api-keys|apps|integrations|webhooks|ingest|deliveries)(\/|$)|webhooks\/|health\/|metrics$)/;
    for (const path of Object.keys(document.paths)) expect([path, own.test(path)]).toEqual([path, true]);
    const schema = await readJson(
      await fetch(`${gateway.base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${a.owner.key}` },
        body: JSON.stringify({ query: '{ __schema { queryType { fields { name } } mutationType { fields { name } } subscriptionType { name } } }' }),
      }),
    );
    const roots = [...schema.data.__schema.queryType.fields, ...schema.data.__schema.mutationType.fields].map((f: { name: string }) => f.name);
    for (const name of roots) expect([name, /tenant|user|apikey|app|integration|webhook|subscription/i.test(name)]).toEqual([name, true]);
    expect(schema.data.__schema.subscriptionType).toBeNull();
    for (const foreign of ['/v1/events', '/v1/projections', '/v1/dead-letters']) expect((await a.owner.get(foreign)).status).toBe(404);
  });

  it('logs no API key or secret', () => {
    expect(logs.lines.length).toBeGreaterThan(10);
    expect(logs.leaked(secrets)).toEqual([]);
  });
});
