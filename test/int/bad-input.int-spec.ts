import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, sendStandardWebhook, type TestDatabase } from '@tributary/testing';
import { startPlatform, type RunningPlatform } from '../../apps/standalone/src/platform.js';
import { loadStandaloneConfig } from '../../apps/standalone/src/standalone.config.js';

/**
 * Inputs that made routes of the four apps answer 500 (found by sending malformed values to every
 * OpenAPI route and GraphQL field): each must be a 4xx with the platform's error body. PostgreSQL
 * refuses a NUL character (U+0000) in text and jsonb, so a NUL that reached a query failed it.
 */
describe('bad input answers 4xx with a stable code, never 500', () => {
  let home: string;
  let database: TestDatabase;
  let platform: RunningPlatform;
  let tenant: { id: string; apiKey: string };
  let webhook: { url: string; secret: string };

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'tributary-bad-input-'));
    database = await createTestDatabase();
    platform = await startPlatform(
      loadStandaloneConfig({ TRIBUTARY_HOME: home, DATABASE_URL: database.url, GATEWAY_PORT: '0', EVENT_STORE_PORT: '0', CHANGE_SINK_PORT: '0', WORKER_PORT: '0', LOG_LEVEL: 'silent' }),
    );
    const admin = { authorization: `Bearer ${platform.adminKey}`, 'content-type': 'application/json' };
    tenant = await (await fetch(`${platform.urls.gateway}/v1/tenants`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'bad-input' }) })).json() as typeof tenant;
    webhook = await (
      await fetch(`${platform.urls.gateway}/v1/tenants/${tenant.id}/webhooks`, { method: 'POST', headers: admin, body: JSON.stringify({ topic: 'tracking.carrier-update.received' }) })
    ).json() as typeof webhook;
  });

  afterAll(async () => {
    await platform?.stop();
    await database?.drop();
    rmSync(home, { recursive: true, force: true });
  });

  const errorBody = (code: string) => ({ error: { code, message: expect.any(String) }, traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
  const get = async (url: string, key: string) => {
    const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
    return { status: response.status, body: await response.json() };
  };

  it.each([
    ['event-store', '/v1/packages/PKG%00'],
    ['event-store', '/v1/packages?after=%00'],
    ['event-store', '/v1/streams?prefix=order%00'],
    ['event-store', '/v1/streams?after=%00'],
    ['integration-worker', '/v1/dead-letters?topic=%00'],
    ['integration-worker', '/v1/dead-letters?group=a%00b'],
  ])('%s GET %s (a NUL character): 400 invalid_characters', async (app, path) => {
    const base = { 'event-store': platform.urls.eventStore, 'integration-worker': platform.urls.worker }[app]!;
    expect(await get(`${base}${path}`, app === 'integration-worker' ? platform.adminKey : tenant.apiKey)).toEqual({ status: 400, body: errorBody('invalid_characters') });
  });

  it('refuses a NUL character in a JSON body with 400 invalid_characters', async () => {
    const response = await fetch(`${platform.urls.gateway}/v1/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${platform.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'a\u0000b' }),
    });
    expect({ status: response.status, body: await response.json() }).toEqual({ status: 400, body: errorBody('invalid_characters') });
  });

  it('event-store GET /v1/events with a cursor past what PostgreSQL can hold: 400 cursor_invalid', async () => {
    for (const after of ['99999999999999999999.1', '1.9999999999999999999']) {
      expect(await get(`${platform.urls.eventStore}/v1/events?after=${after}`, tenant.apiKey)).toEqual({ status: 400, body: errorBody('cursor_invalid') });
    }
  });

  it('gateway: a delivery whose payload holds a NUL character is refused with 400 payload_invalid', async () => {
    const payload = { trackingId: 'PKG\u00001', carrier: 'DHL', status: 'In Transit', occurredAt: '2026-11-20T10:00:00Z' };
    const response = await sendStandardWebhook(webhook.url, webhook.secret, payload);
    expect({ status: response.status, body: await response.json() }).toEqual({ status: 400, body: errorBody('payload_invalid') });
  });

  /** A JSON text of objects nested `depth` deep (built as text: JSON.stringify of it would overflow the test's own stack). */
  const nestedObjects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

  it('gateway: a signed delivery nested 100,000 objects deep is refused with 400 payload_too_deep', async () => {
    const response = await sendStandardWebhook(webhook.url, webhook.secret, nestedObjects(100_000));
    expect({ status: response.status, body: await response.json() }).toEqual({ status: 400, body: errorBody('payload_too_deep') });
  });

  it('gateway: a signed delivery nested 64 deep (the default limit) is not refused for its depth', async () => {
    const response = await sendStandardWebhook(webhook.url, webhook.secret, nestedObjects(64));
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('payload_invalid');
  });

  it.each([
    ['gateway', 'POST', '/v1/tenants', 'admin'],
    ['gateway', 'POST', '/graphql', 'admin'],
    ['event-store', 'POST', '/v1/streams/order-1/events', 'tenant'],
    ['change-sink', 'POST', '/publish', 'tenant'],
    ['integration-worker', 'POST', '/v1/tracking/opt-outs', 'admin'],
  ])('%s %s %s: a body nested 100,000 deep is refused with 400 payload_too_deep', async (app, method, path, who) => {
    const base = { gateway: platform.urls.gateway, 'event-store': platform.urls.eventStore, 'change-sink': platform.urls.changeSink, 'integration-worker': platform.urls.worker }[app]!;
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${who === 'admin' ? platform.adminKey : tenant.apiKey}`, 'content-type': 'application/json' },
      body: `[${nestedObjects(100_000)}]`,
    });
    expect({ status: response.status, body: await response.json() }).toEqual({ status: 400, body: errorBody('payload_too_deep') });
  });

  it.each([
    ['gateway', '/graphql', 'query($id: ID!) { tenant(id: $id) { id } }', { id: 'a\u0000' }],
    ['event-store', '/graphql', '{ streams(first: 5, prefix: "a\\u0000") { next } }', {}],
    ['event-store', '/graphql', 'query($t: String!) { package(trackingId: $t) { status } }', { t: 'PKG\u0000' }],
  ])('%s %s: a NUL character in an argument is refused with code invalid_characters (HTTP 400)', async (app, path, query, variables) => {
    const base = app === 'gateway' ? platform.urls.gateway : platform.urls.eventStore;
    const key = app === 'gateway' ? platform.adminKey : tenant.apiKey;
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { errors: unknown };
    expect({ status: response.status, errors: body.errors }).toEqual({
      status: 400,
      errors: [{ message: expect.any(String), extensions: { code: 'invalid_characters', status: 400 } }],
    });
  });
});
