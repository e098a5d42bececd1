import { createHmac, randomUUID } from 'node:crypto';
import { eventually, standardWebhookHeaders } from '@tributary/testing';
import type { AppName, FuzzPlatform } from './fuzz-platform.js';
import type { Json } from '../../support/json.js';

/** One tenant's keys and the ids of what it holds: the values a fuzzed request's ids and bodies are drawn from. */
export interface FuzzTenant {
  readonly name: string;
  readonly id: string;
  readonly keys: { readonly owner: string; readonly member: string; readonly readOnly: string };
  /** Every id the tenant's rows have, by the parameter or property names that take it. */
  readonly ids: Record<string, string[]>;
  readonly webhooks: Array<{ readonly id: string; readonly verifier: string; readonly secret: string }>;
  readonly trackingId: string;
}

export interface FuzzWorld {
  readonly a: FuzzTenant;
  readonly b: FuzzTenant;
  /**
   * A tenant the fuzzer never learns about (neither its key nor an id): what the process must still
   * serve after the fuzzing, checked with `knownGood`.
   */
  readonly sentinel: FuzzTenant;
  /** Cursors from real list answers (`next`), to page with. */
  readonly cursors: string[];
}

interface JsonAnswer {
  status: number;
  body: Json;
}

export async function callJson(platform: FuzzPlatform, app: AppName, method: string, path: string, key?: string, body?: unknown): Promise<JsonAnswer> {
  const response = await fetch(`${platform.urls[app]}${path}`, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function must(platform: FuzzPlatform, app: AppName, method: string, path: string, key: string | undefined, body?: unknown, status = [200, 201, 202, 204]) {
  const answer = await callJson(platform, app, method, path, key, body);
  if (!status.includes(answer.status)) throw new Error(`fixture ${app} ${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** The headers (and query) that make a delivery to a webhook of `verifier` authentic. */
export function signDelivery(verifier: string, secret: string, body: string): { headers: Record<string, string>; query: string } {
  const now = Math.floor(Date.now() / 1000);
  switch (verifier) {
    case 'standard-webhooks':
      return { headers: standardWebhookHeaders(secret, body), query: '' };
    case 'github':
      return {
        headers: { 'content-type': 'application/json', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` },
        query: '',
      };
    case 'stripe':
      return { headers: { 'content-type': 'application/json', 'stripe-signature': `t=${now},v1=${createHmac('sha256', secret).update(`${now}.${body}`).digest('hex')}` }, query: '' };
    case 'bearer':
      return { headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` }, query: '' };
    default:
      return { headers: { 'content-type': 'application/json' }, query: `?token=${encodeURIComponent(secret)}` };
  }
}

export const VERIFIERS = ['standard-webhooks', 'github', 'stripe', 'bearer', 'query-token'] as const;

/** A carrier update as the tracking integration takes it. */
export const carrierUpdate = (trackingId: string, status = 'In Transit') => ({ trackingId, carrier: 'dhl', status, occurredAt: '2026-11-20T10:00:00Z' });

/**
 * A tenant with one of everything, made through the apps' own APIs (a dead letter, which only a
 * failing consumer makes, is written to its table): users and keys of each role, an app with a paid
 * integration and a webhook of each verifier, a package delivered through the pipeline, a stream
 * and a build in the event store, a webhook-relay deployment with an action and a schedule, a
 * recipient, a template and an opt-out.
 */
export async function createTenant(platform: FuzzPlatform, name: string): Promise<FuzzTenant> {
  const admin = platform.adminKey;
  const created = await must(platform, 'gateway', 'POST', '/v1/tenants', admin, { name });
  const owner: string = created.apiKey;
  const ids: Record<string, string[]> = { tenantId: [created.id] };
  const add = (names: string[], id: string) => names.forEach((n) => (ids[n] = [...(ids[n] ?? []), id]));

  const user = await must(platform, 'gateway', 'POST', '/v1/users', owner, { email: `${name}@example.com`, name, role: 'member' });
  add(['userId'], user.id);
  const member = await must(platform, 'gateway', 'POST', '/v1/api-keys', owner, { name: 'member', role: 'member' });
  const readOnly = await must(platform, 'gateway', 'POST', '/v1/api-keys', owner, { name: 'read-only', role: 'read_only' });
  add(['keyId'], member.id);
  add(['keyId'], readOnly.id);
  const app = await must(platform, 'gateway', 'POST', '/v1/apps', owner, { name: `${name} carrier`, vendor: 'dhl' });
  add(['appId', 'appIds'], app.id);
  const integration = await must(platform, 'gateway', 'POST', '/v1/integrations', owner, { name: 'tracking', appIds: [app.id] });
  add(['integrationId'], integration.id);
  await must(platform, 'gateway', 'PUT', `/v1/tenants/${created.id}/integrations/${integration.id}/subscription`, admin, {
    plan: 'standard',
    paidUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
  });
  const webhooks: FuzzTenant['webhooks'] = [];
  for (const verifier of VERIFIERS) {
    const webhook = await must(platform, 'gateway', 'POST', '/v1/webhooks', owner, { appId: app.id, topic: 'tracking.carrier-update.received', verifier, name: verifier });
    webhooks.push({ id: webhook.id, verifier, secret: webhook.secret });
    add(['webhookId'], webhook.id);
    for (const secret of await must(platform, 'gateway', 'GET', `/v1/webhooks/${webhook.id}/secrets`, owner)) add(['secretId'], secret.id);
  }

  // A package through the whole pipeline: delivered, tracked by the worker, projected by the event store.
  const trackingId = `FUZZ-${name}-1`;
  const payload = JSON.stringify(carrierUpdate(trackingId));
  const standard = webhooks[0]!;
  const signed = signDelivery(standard.verifier, standard.secret, payload);
  const delivered = await fetch(`${platform.urls.gateway}/webhooks/${standard.id}`, { method: 'POST', headers: signed.headers, body: payload });
  if (delivered.status !== 202) throw new Error(`fixture delivery answered ${delivered.status}: ${await delivered.text()}`);
  add(['trackingId'], trackingId);
  await eventually(() => callJson(platform, 'event-store', 'GET', `/v1/packages/${trackingId}`, owner), (a) => a.status === 200, { timeoutMs: 30_000 });

  const streamId = `order-${name}-1`;
  await must(platform, 'event-store', 'POST', `/v1/streams/${streamId}/events`, owner, {
    events: [{ type: 'tracking.carrier-update.received', data: carrierUpdate(`${trackingId}-S`) }],
  });
  add(['streamId'], streamId);
  const buildId = randomUUID();
  const projectId = randomUUID();
  await must(platform, 'event-store', 'POST', `/v1/streams/build-${buildId}/events`, owner, {
    events: [{ type: 'build.created', data: { buildId, projectId, createdAt: '2026-11-20T10:00:00.000Z', branchName: 'main' } }],
  });
  add(['build', 'buildId'], buildId);
  add(['project', 'projectId'], projectId);
  await eventually(() => callJson(platform, 'event-store', 'GET', `/build/${buildId}`, owner), (a) => a.status === 200, { timeoutMs: 30_000 });
  const events = await must(platform, 'event-store', 'GET', `/v1/streams/${streamId}/events`, owner);
  for (const event of events.events ?? events.items ?? []) add(['eventId'], event.eventId ?? event.id);

  // The relay's URL is a private address it may not call (allowPrivateNetwork false): a run fails at once, contacting nothing.
  const deployment = await must(platform, 'integration-worker', 'POST', '/v1/deployments', owner, {
    integration: 'webhook-relay',
    name: 'fuzz',
    config: { url: 'http://127.0.0.1:9/hook' },
    credentials: { token: `relay-token-${name}` },
  });
  add(['id', 'deploymentId'], deployment.id);
  const action = await must(platform, 'integration-worker', 'POST', `/v1/deployments/${deployment.id}/actions`, owner, { method: 'relay-state-change', onTopic: false });
  add(['id', 'actionId'], action.id);
  // Fires on the first of January only: never while the suite runs.
  const schedule = await must(platform, 'integration-worker', 'POST', `/v1/actions/${action.id}/schedules`, owner, {
    cron: '0 0 1 1 *',
    input: { trackingId, carrier: 'dhl', occurredAt: '2026-11-23T10:00:00.000Z', to: 'in_transit', version: 1, carrierStatus: 'In Transit' },
  });
  add(['id', 'scheduleId'], schedule.id);
  await must(platform, 'integration-worker', 'PUT', `/v1/tracking/packages/${trackingId}/recipient`, owner, { email: `${name}@example.com`, language: 'en', consent: true });
  await must(platform, 'integration-worker', 'PUT', `/v1/tracking/templates/delivered/en`, owner, { subject: `{trackingId} ${name}`, text: 'Delivered by {carrier}' });
  await must(platform, 'integration-worker', 'POST', '/v1/tracking/opt-outs', owner, { email: `opted-out-${name}@example.com` });
  const [deadLetter] = await platform.dataSource.query<{ id: string }[]>(
    `INSERT INTO messaging.dead_letters (group_id, topic, partition, "offset", message_id, tenant_id, envelope, error_code, error_message, attempts)
     VALUES ('integration-worker', 'tracking.carrier-update.received', 0, $1, $2, $3, '{}', 'fuzz_fixture', 'a fixture', 1) RETURNING id::text`,
    [1_000_000 + Math.floor(Math.random() * 1_000_000), randomUUID(), created.id],
  );
  add(['id', 'deadLetterId'], deadLetter!.id);
  for (const run of (await must(platform, 'integration-worker', 'GET', '/v1/runs', owner)).items ?? []) add(['id', 'runId'], run.id);

  return { name, id: created.id, keys: { owner, member: member.key, readOnly: readOnly.key }, ids, webhooks, trackingId };
}

/** Tenants A and B with their data, a sentinel tenant, and cursors from real pages. */
export async function createWorld(platform: FuzzPlatform): Promise<FuzzWorld> {
  const a = await createTenant(platform, 'A');
  const b = await createTenant(platform, 'B');
  const sentinel = await createTenant(platform, 'S');
  const cursors = new Set<string>();
  const pages: Array<[AppName, string, string]> = [
    ['gateway', '/v1/tenants?limit=1', platform.adminKey],
    ['gateway', '/v1/api-keys?limit=1', a.keys.owner],
    ['gateway', '/v1/webhooks?limit=1', a.keys.owner],
    ['event-store', '/v1/events?limit=1', a.keys.owner],
    ['event-store', '/v1/streams?limit=1', a.keys.owner],
    ['event-store', '/v1/packages?limit=1', a.keys.owner],
    ['integration-worker', '/v1/dead-letters?limit=1', platform.adminKey],
  ];
  for (const [app, path, key] of pages) {
    const next = (await callJson(platform, app, 'GET', path, key)).body?.next;
    if (typeof next === 'string') cursors.add(next);
  }
  return { a, b, sentinel, cursors: [...cursors] };
}

/** Requests that must work on each app after the fuzzing (as the sentinel tenant): what `knownGood` sends. */
export async function knownGood(platform: FuzzPlatform, world: FuzzWorld): Promise<Record<string, number>> {
  const s = world.sentinel;
  const answers: Record<string, number> = {};
  for (const app of ['gateway', 'event-store', 'change-sink', 'integration-worker'] as const) {
    answers[`${app} ready`] = (await callJson(platform, app, 'GET', '/health/ready')).status;
  }
  answers['gateway tenant'] = (await callJson(platform, 'gateway', 'GET', '/v1/tenant', s.keys.owner)).status;
  answers['event-store package'] = (await callJson(platform, 'event-store', 'GET', `/v1/packages/${s.trackingId}`, s.keys.owner)).status;
  answers['worker package'] = (await callJson(platform, 'integration-worker', 'GET', `/v1/tracking/packages/${s.trackingId}`, s.keys.owner)).status;
  answers['change-sink viewer'] = (
    await fetch(`${platform.urls['change-sink']}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.keys.owner}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ viewer { tenantId } }' }),
    })
  ).status;
  const payload = JSON.stringify(carrierUpdate(`${s.trackingId}-again`, 'Delivered'));
  const signed = signDelivery('standard-webhooks', s.webhooks[0]!.secret, payload);
  answers['gateway delivery'] = (await fetch(`${platform.urls.gateway}/webhooks/${s.webhooks[0]!.id}`, { method: 'POST', headers: signed.headers, body: payload })).status;
  return answers;
}

export const KNOWN_GOOD = {
  'gateway ready': 200,
  'event-store ready': 200,
  'change-sink ready': 200,
  'integration-worker ready': 200,
  'gateway tenant': 200,
  'event-store package': 200,
  'worker package': 200,
  'change-sink viewer': 200,
  'gateway delivery': 202,
};
