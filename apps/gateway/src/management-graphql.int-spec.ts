import { createTestDatabase, LogCapture, readJson, startGateway, type RunningGateway, type TestDatabase } from '../../../test/support/gateway-harness.js';

interface GqlAnswer {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data?: any;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/**
 * The management API over GraphQL (HTTP POST /graphql): the same operations as REST, the same
 * authorization — another tenant's key gets *_not_found and no data, a read-only key cannot write.
 */
describe('management API /graphql', () => {
  let db: TestDatabase;
  let gateway: RunningGateway;
  const logs = new LogCapture();
  const secrets: string[] = [];
  let keys: { admin: string; a: string; reader: string; b: string };
  let tenantA: string;
  const ids: Record<string, string> = {};

  const gql = async (key: string | undefined, query: string, variables: Record<string, unknown> = {}): Promise<GqlAnswer> =>
    readJson(
      await fetch(`${gateway.base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify({ query, variables }),
      }),
    );
  const ok = async (key: string, query: string, variables: Record<string, unknown> = {}) => {
    const answer = await gql(key, query, variables);
    if (answer.errors) throw new Error(JSON.stringify(answer.errors));
    return answer.data;
  };
  const codeOf = (answer: GqlAnswer) => answer.errors?.[0]?.extensions?.code;

  beforeAll(async () => {
    db = await createTestDatabase();
    gateway = await startGateway(db.url, logs);
    const admin = gateway.admin.key!;
    const created = await ok(admin, `mutation { a: createTenant(input: { name: "acme" }) { id apiKey } b: createTenant(input: { name: "globex" }) { id apiKey } }`);
    tenantA = created.a.id;
    const reader = await ok(created.a.apiKey, `mutation { createApiKey(input: { name: "dash", role: "read_only" }) { id key } }`);
    keys = { admin, a: created.a.apiKey, reader: reader.createApiKey.key, b: created.b.apiKey };
    secrets.push(...Object.values(keys));
    ids.apiKey = reader.createApiKey.id;
    ids.user = (await ok(keys.a, `mutation { createUser(input: { email: "ada@acme.test", role: "member" }) { id } }`)).createUser.id;
    ids.app = (await ok(keys.a, `mutation { createApp(input: { name: "DHL", vendor: "dhl", config: { account: "1" } }) { id config } }`)).createApp.id;
    ids.integration = (await ok(keys.a, `mutation ($apps: [ID!]!) { createIntegration(input: { name: "t", appIds: $apps }) { id } }`, { apps: [ids.app] })).createIntegration.id;
    const webhook = (await ok(keys.a, `mutation ($app: ID!) { createWebhook(input: { appId: $app, topic: "tracking.carrier-update.received", verifier: "github" }) { id secret url } }`, { app: ids.app })).createWebhook;
    secrets.push(webhook.secret);
    ids.webhook = webhook.id;
    ids.secret = (await ok(keys.a, `query ($id: ID!) { webhookSecrets(webhookId: $id) { id } }`, { id: ids.webhook })).webhookSecrets[0].id;
    const bApp = (await ok(keys.b, `mutation { createApp(input: { name: "UPS", vendor: "ups" }) { id } }`)).createApp.id;
    await ok(keys.b, `mutation ($app: ID!) { createWebhook(input: { appId: $app, topic: "tracking.carrier-update.received" }) { id } }`, { app: bApp });
  });

  afterAll(async () => {
    await gateway?.close();
    await db?.drop();
  });

  it('reads what was created, through every query field', async () => {
    const data = await ok(
      keys.a,
      `query ($app: ID!, $integration: ID!, $webhook: ID!, $user: ID!, $key: ID!) {
        myTenant { id name enabled }
        apps(limit: 10) { data { id vendor config enabled } nextCursor }
        app(id: $app) { id name }
        integrations { data { id appIds subscription { plan paidUntil active } } }
        integration(id: $integration) { id enabled }
        webhooks(appId: $app) { data { id verifier url } }
        webhook(id: $webhook) { id topic verifier }
        webhookSecrets(webhookId: $webhook) { id active expiresAt }
        users { data { id email role } }
        user(id: $user) { id email }
        apiKeys { data { id role prefix } }
        apiKey(id: $key) { id role }
      }`,
      { app: ids.app, integration: ids.integration, webhook: ids.webhook, user: ids.user, key: ids.apiKey },
    );
    expect(data.myTenant).toEqual({ id: tenantA, name: 'acme', enabled: true });
    expect(data.apps).toEqual({ data: [{ id: ids.app, vendor: 'dhl', config: { account: '1' }, enabled: true }], nextCursor: null });
    expect(data.integrations.data[0]).toEqual({ id: ids.integration, appIds: [ids.app], subscription: { plan: null, paidUntil: null, active: false } });
    expect(data.webhook).toEqual({ id: ids.webhook, topic: 'tracking.carrier-update.received', verifier: 'github' });
    expect(data.webhookSecrets).toEqual([{ id: ids.secret, active: true, expiresAt: null }]);
    expect(data.apiKey).toEqual({ id: ids.apiKey, role: 'read_only' });
  });

  it('the platform admin administers tenants; a tenant key cannot', async () => {
    const admin = await ok(keys.admin, `query ($id: ID!) { tenants(limit: 1) { data { id } nextCursor } tenant(id: $id) { name } }`, { id: tenantA });
    expect(admin.tenant.name).toBe('acme');
    expect(admin.tenants.nextCursor).toEqual(expect.any(String));
    const paid = await ok(keys.admin, `mutation ($t: ID!, $i: ID!) { setSubscription(tenantId: $t, integrationId: $i, input: { plan: "pro", paidUntil: "2099-01-01T00:00:00Z" }) { subscription { plan active } } }`, {
      t: tenantA,
      i: ids.integration,
    });
    expect(paid.setSubscription.subscription).toEqual({ plan: 'pro', active: true });
    for (const op of [
      `query { tenants { data { id } } }`,
      `query { tenant(id: "${tenantA}") { id } }`,
      `mutation { createTenant(input: { name: "x" }) { id } }`,
      `mutation { updateTenant(id: "${tenantA}", input: { enabled: false }) { id } }`,
      `mutation { issueTenantApiKey(tenantId: "${tenantA}", input: { name: "x", role: "owner" }) { key } }`,
      `mutation { setSubscription(tenantId: "${tenantA}", integrationId: "${ids.integration}", input: { plan: "free", paidUntil: null }) { id } }`,
    ]) {
      const answer = await gql(keys.a, op);
      expect([op, codeOf(answer), answer.data?.[Object.keys(answer.data ?? {})[0]] ?? null]).toEqual([op, 'admin_required', null]);
    }
    expect(codeOf(await gql(undefined, `query { myTenant { id } }`))).toBe('unauthenticated');
    expect(codeOf(await gql('trb_aaaaaaaaaaaa_' + 'a'.repeat(43), `query { myTenant { id } }`))).toBe('unauthenticated');
    expect(codeOf(await gql(keys.admin, `query { apps { data { id } } }`))).toBe('tenant_required');
  });

  /** Every tenant-scoped field that names one of A's resources, and the least role it needs. */
  const named = (): [string, 'read_only' | 'member' | 'owner'][] => [
    [`query { app(id: "${ids.app}") { id name } }`, 'read_only'],
    [`query { integration(id: "${ids.integration}") { id } }`, 'read_only'],
    [`query { webhook(id: "${ids.webhook}") { id url } }`, 'read_only'],
    [`query { webhookSecrets(webhookId: "${ids.webhook}") { id } }`, 'read_only'],
    [`query { user(id: "${ids.user}") { id email } }`, 'read_only'],
    [`query { apiKey(id: "${ids.apiKey}") { id } }`, 'read_only'],
    [`mutation { updateApp(id: "${ids.app}", input: { enabled: false }) { id } }`, 'member'],
    [`mutation { updateIntegration(id: "${ids.integration}", input: { enabled: false }) { id } }`, 'member'],
    [`mutation { updateWebhook(id: "${ids.webhook}", input: { enabled: false }) { id } }`, 'member'],
    [`mutation { rotateWebhookSecret(webhookId: "${ids.webhook}") { id secret } }`, 'member'],
    [`mutation { expireWebhookSecret(webhookId: "${ids.webhook}", secretId: "${ids.secret}") { id } }`, 'member'],
    [`mutation { updateUser(id: "${ids.user}", input: { role: "owner" }) { id } }`, 'owner'],
    [`mutation { revokeApiKey(id: "${ids.apiKey}") { id } }`, 'owner'],
  ];
  const creates: [string, 'member' | 'owner'][] = [
    [`mutation { updateMyTenant(input: { name: "renamed" }) { id } }`, 'owner'],
    [`mutation { createUser(input: { email: "eve@acme.test", role: "owner" }) { id } }`, 'owner'],
    [`mutation { createApiKey(input: { name: "x", role: "owner" }) { key } }`, 'owner'],
    [`mutation { createApp(input: { name: "x", vendor: "x" }) { id } }`, 'member'],
  ];
  const snapshot = () =>
    ok(keys.a, `query ($w: ID!) { myTenant { name } users { data { id role enabled } } apiKeys { data { id revokedAt } } apps { data { id enabled } }
      integrations { data { id enabled } } webhooks { data { id enabled } } webhookSecrets(webhookId: $w) { id active } }`, { w: ids.webhook }).then(JSON.stringify);

  it("another tenant's key gets *_not_found and no data for every field naming A's resources", async () => {
    const before = await snapshot();
    for (const [op] of named()) {
      const answer = await gql(keys.b, op);
      expect([op, codeOf(answer), answer.data ?? null]).toEqual([op, expect.stringMatching(/_not_found$/), null]);
    }
    const lists = JSON.stringify(await ok(keys.b, `query { myTenant { id } apps { data { id } } integrations { data { id } } webhooks { data { id } } users { data { id } } apiKeys { data { id } } }`));
    for (const id of [...Object.values(ids), tenantA]) expect(lists).not.toContain(id);
    expect(await snapshot()).toBe(before);
  });

  it('a read-only key reads but cannot write (role_insufficient, nothing changed)', async () => {
    const before = await snapshot();
    for (const [op, role] of [...named(), ...creates]) {
      const answer = await gql(keys.reader, op);
      if (role === 'read_only') expect([op, answer.errors]).toEqual([op, undefined]);
      else expect([op, codeOf(answer), answer.data ?? null]).toEqual([op, 'role_insufficient', null]);
    }
    expect(await snapshot()).toBe(before);
  });

  it('reports invalid input with validation_failed and stores nothing', async () => {
    const before = await snapshot();
    expect(codeOf(await gql(keys.a, `mutation { createApp(input: { name: "x", vendor: "Not A Vendor" }) { id } }`))).toBe('validation_failed');
    expect(codeOf(await gql(keys.a, `query { apps(limit: 1000) { data { id } } }`))).toBe('validation_failed');
    expect(codeOf(await gql(keys.a, `query { apps(after: "nope") { data { id } } }`))).toBe('cursor_invalid');
    expect(await snapshot()).toBe(before);
  });

  it('describes every field, argument-bearing operation and type of its schema', async () => {
    const { data } = await gql(keys.a, `{ __schema { types { name kind description fields { name description } inputFields { name description } } } }`);
    const own = data.__schema.types.filter((t: { name: string; kind: string }) => !t.name.startsWith('__') && ['OBJECT', 'INPUT_OBJECT'].includes(t.kind));
    expect(own.length).toBeGreaterThan(15);
    for (const type of own) {
      for (const field of [...(type.fields ?? []), ...(type.inputFields ?? [])]) expect([type.name, field.name, field.description]).toEqual([type.name, field.name, expect.any(String)]);
    }
  });

  it('logs no API key or secret', () => {
    expect(logs.leaked(secrets)).toEqual([]);
  });
});
