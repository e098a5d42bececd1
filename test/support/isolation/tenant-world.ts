import fc from 'fast-check';
import { sendStandardWebhook } from '@tributary/testing';
import type { RunningPlatform } from '../../../apps/standalone/src/platform.js';
import type { Draw } from './draw.js';
import type { Json } from '../json.js';

export type AppName = 'gateway' | 'eventStore' | 'changeSink' | 'worker';

export interface Answer {
  readonly status: number;
  readonly text: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  readonly body: Json;
}

/** `fetch` on one of the platform's apps, the answer read whatever its status. */
export async function call(platform: RunningPlatform, app: AppName, method: string, path: string, key?: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${platform.urls[app]}${path}`, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, text, body: parsed };
}

/** Carrier words for the transitions a package goes through, in order (each one a state change). */
export const CARRIER_STEPS = ['Label created', 'In Transit', 'Out for delivery', 'Delivered'] as const;
/** The canonical status after each of them. */
export const STATUS_AFTER_STEP = ['pre_transit', 'in_transit', 'out_for_delivery', 'delivered'] as const;

/** One tenant's data: what it created, and the strings that identify it (none may reach another tenant). */
export interface Tenant {
  readonly index: number;
  readonly marker: string;
  readonly name: string;
  id: string;
  /** Every key of the tenant (owner first); reads use any of them. */
  readonly keys: string[];
  readonly keyIds: string[];
  readonly users: string[];
  readonly userEmails: string[];
  readonly apps: string[];
  readonly integrations: string[];
  /** Webhooks with the secret to deliver to them; `carrier` is the app's carrier-update webhook. */
  readonly webhooks: Array<{ id: string; url: string; secret: string; topic: string }>;
  readonly secretIds: string[];
  readonly deployments: string[];
  readonly actions: string[];
  /** Data actions (company-registry, against the suite's local registry): their upstream answers fill the worker's ingest log. */
  readonly dataActions: string[];
  /** How many times the data action was fetched (each an upstream answer in the worker's ingest log). */
  dataFetches: number;
  readonly schedules: string[];
  /** Runs started by hand (the others are found by listing). */
  readonly manualRuns: string[];
  /** Tracking ids → how many carrier updates it gets. */
  readonly packages: Map<string, number>;
  /** A package of its own updated once before the others: the sign that its subscribers are listening. */
  readonly warmUp: string;
  /** Tracking ids with a consenting recipient: each transition of theirs is mailed. */
  readonly recipients: Set<string>;
  /** Stream ids → events appended through the event store's API. */
  readonly streams: Map<string, string[]>;
  readonly builds: Map<string, string>;
  /** SKUs of its product feed (catalog.product.upserted appended through the event store). */
  readonly products: string[];
  /** Filled once the pipeline settled, from the tenant's own lists (cross-checked against the others'). */
  readonly settled: { events: string[]; runs: string[]; deadLetters: string[]; mails: string[]; ingest: string[]; deliveries: string[]; actionAnswers: string[] };
}

/** What the tenants share: natural keys (tracking ids, stream ids, build and project ids) that several of them use. */
export interface SharedKeys {
  readonly trackingIds: string[];
  readonly streamIds: string[];
  readonly buildIds: string[];
  readonly projectIds: string[];
}

export interface World {
  readonly seed: number;
  readonly tenants: Tenant[];
  readonly shared: SharedKeys;
}

const lower = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), minLength: 12, maxLength: 12 });

/** The scenario: how many tenants, their markers, and the pools of natural keys they draw from. */
export function drawWorld(draw: Draw): World {
  const count = draw.integer(3, 4);
  const markers = draw.value(fc.uniqueArray(lower, { minLength: count, maxLength: count }));
  const tag = draw.value(fc.string({ unit: fc.constantFrom(...'0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'), minLength: 6, maxLength: 6 }));
  const shared: SharedKeys = {
    trackingIds: [0, 1, 2, 3, 4].map((i) => `PKG-${tag}-${i}`),
    streamIds: [0, 1, 2].map((i) => `order-${tag.toLowerCase()}-${i}`),
    buildIds: draw.value(fc.uniqueArray(fc.uuid({ version: 4 }), { minLength: 3, maxLength: 3 })),
    projectIds: draw.value(fc.uniqueArray(fc.uuid({ version: 4 }), { minLength: 2, maxLength: 2 })),
  };
  const tenants = markers.map<Tenant>((marker, index) => ({
    index,
    marker,
    name: `isolation ${marker}`,
    id: '',
    keys: [],
    keyIds: [],
    users: [],
    userEmails: [],
    apps: [],
    integrations: [],
    webhooks: [],
    secretIds: [],
    deployments: [],
    actions: [],
    dataActions: [],
    dataFetches: 0,
    schedules: [],
    manualRuns: [],
    packages: new Map([[`PKG-${tag}-WARM-${marker.toUpperCase()}`, 1]]),
    warmUp: `PKG-${tag}-WARM-${marker.toUpperCase()}`,
    recipients: new Set(),
    streams: new Map(),
    builds: new Map(),
    products: [],
    settled: { events: [], runs: [], deadLetters: [], mails: [], ingest: [], deliveries: [], actionAnswers: [] },
  }));
  for (const tenant of tenants) {
    // Shared keys, and one of its own (a foreign tenant asking for it must get what an unknown one gets).
    for (const trackingId of [...draw.some(shared.trackingIds, 1, 3), `PKG-${tag}-${tenant.marker.toUpperCase()}`]) {
      tenant.packages.set(trackingId, draw.integer(1, CARRIER_STEPS.length - 1));
    }
    for (const trackingId of draw.some([...tenant.packages.keys()], 1, 2)) tenant.recipients.add(trackingId);
    for (const streamId of [...draw.some(shared.streamIds, 1, 2), `order-${tenant.marker}`]) tenant.streams.set(streamId, []);
    for (const buildId of draw.some(shared.buildIds, 1, 2)) tenant.builds.set(buildId, draw.pick(shared.projectIds));
    const [ownBuild, ownProject] = draw.value(fc.uniqueArray(fc.uuid({ version: 4 }), { minLength: 2, maxLength: 2 }));
    tenant.builds.set(ownBuild, ownProject);
    for (let i = 0; i < draw.integer(1, 2); i++) tenant.products.push(`SKU-${tenant.marker.toUpperCase()}-${i}`);
  }
  // Every pool has a key that at least two tenants use.
  for (const tenant of draw.some(tenants, 2, 2)) {
    if (!tenant.packages.has(shared.trackingIds[0])) tenant.packages.set(shared.trackingIds[0], draw.integer(1, CARRIER_STEPS.length - 1));
    if (!tenant.streams.has(shared.streamIds[0])) tenant.streams.set(shared.streamIds[0], []);
    if (!tenant.builds.has(shared.buildIds[0])) tenant.builds.set(shared.buildIds[0], draw.pick(shared.projectIds));
  }
  return { seed: draw.seed, tenants, shared };
}

type Step = () => Promise<void>;

/** A package state change, the relay action's input. */
const stateChange = (trackingId: string) => ({ trackingId, carrier: 'dhl', occurredAt: '2026-11-23T10:00:00.000Z', to: 'in_transit', version: 1, carrierStatus: 'In Transit' });

/** Fails with the answer when a seeding call did not succeed (a broken seed would make every check vacuous). */
function ok(what: string, answer: Answer): Answer {
  if (answer.status >= 200 && answer.status < 300) return answer;
  throw new Error(`${what}: ${answer.status} ${answer.text}`);
}

/** The company every tenant's data action asks the suite's local registry for (ARES-style `ekonomicke-subjekty/{ico}`). */
export const REGISTRY_COMPANY = '27074358';
export const REGISTRY_ENTRY = { ico: REGISTRY_COMPANY, obchodniJmeno: 'Isolation Registry, a.s.', dic: `CZ${REGISTRY_COMPANY}` };

/**
 * The steps that give one tenant every kind of data the platform holds per tenant, in the order
 * they depend on each other. `setup` needs nothing to be listening; `traffic` feeds the pipeline
 * (webhooks, appends, runs) and is what the change-sink subscribers must see.
 */
export function tenantSteps(platform: RunningPlatform, draw: Draw, tenant: Tenant, registryUrl: string): { setup: Step[]; warmUp: Step; traffic: Step[] } {
  const admin = (method: string, path: string, body?: unknown) => call(platform, 'gateway', method, path, platform.adminKey, body);
  const owner = (app: AppName, method: string, path: string, body?: unknown) => call(platform, app, method, path, tenant.keys[0], body);
  const m = tenant.marker;
  const setup: Step[] = [
    async () => {
      const created = ok('create tenant', await admin('POST', '/v1/tenants', { name: tenant.name })).body;
      tenant.id = created.id;
      tenant.keys.push(created.apiKey);
    },
    async () => {
      for (const role of draw.some(['member', 'read_only'] as const, 1)) {
        const key = ok('create api key', await owner('gateway', 'POST', '/v1/api-keys', { name: `${role} ${m}`, role })).body;
        tenant.keys.push(key.key);
        tenant.keyIds.push(key.id);
      }
    },
    async () => {
      for (let i = 0; i < draw.integer(1, 2); i++) {
        const email = `user${i}-${m}@example.com`;
        const user = ok('create user', await owner('gateway', 'POST', '/v1/users', { email, name: `User ${i} ${m}`, role: 'member' })).body;
        tenant.users.push(user.id);
        tenant.userEmails.push(email);
      }
    },
    async () => {
      for (let i = 0; i < draw.integer(1, 2); i++) {
        const app = ok('create app', await owner('gateway', 'POST', '/v1/apps', { name: `Carrier ${i} ${m}`, vendor: 'dhl', config: { account: m } })).body;
        tenant.apps.push(app.id);
      }
    },
    async () => {
      const integration = ok('create integration', await owner('gateway', 'POST', '/v1/integrations', { name: `tracking ${m}`, appIds: tenant.apps })).body;
      tenant.integrations.push(integration.id);
      ok('pay for the integration', await admin('PUT', `/v1/tenants/${tenant.id}/integrations/${integration.id}/subscription`, { plan: `plan-${m}`, paidUntil: '2099-01-01T00:00:00Z' }));
    },
    async () => {
      const body = { appId: draw.pick(tenant.apps), topic: 'tracking.carrier-update.received', name: `carrier push ${m}` };
      const webhook = ok('create webhook', await owner('gateway', 'POST', '/v1/webhooks', body)).body;
      tenant.webhooks.push({ id: webhook.id, url: webhook.url, secret: webhook.secret, topic: body.topic });
      // A rotation with overlap: two secrets, both valid, the webhook's first one still signs.
      const rotated = ok('rotate secret', await owner('gateway', 'POST', `/v1/webhooks/${webhook.id}/secrets`, { overlapSeconds: 3600 })).body;
      tenant.secretIds.push(rotated.id);
    },
    async () => {
      for (const topic of ['build.created', 'build.disk-usage.updated']) {
        const webhook = ok('provision webhook', await admin('POST', `/v1/tenants/${tenant.id}/webhooks`, { topic, name: `${topic} ${m}` })).body;
        tenant.webhooks.push({ id: webhook.id, url: webhook.url, secret: webhook.secret, topic });
      }
    },
    async () => {
      // A relay to a loopback address without allowPrivateNetwork: every run fails for good and is dead-lettered.
      // Run by hand only: a failing route on the package topic would dead-letter the state change for the
      // customer notification as well (the group gives the whole message up).
      const deployment = ok(
        'create deployment',
        await owner('worker', 'POST', '/v1/deployments', { integration: 'webhook-relay', name: `relay-${m}`, config: { url: `http://127.0.0.1:9/${m}` }, credentials: { token: `token-${m}` } }),
      ).body;
      tenant.deployments.push(deployment.id);
      const action = ok('create action', await owner('worker', 'POST', `/v1/deployments/${deployment.id}/actions`, { method: 'relay-state-change', onTopic: false })).body;
      tenant.actions.push(action.id);
      const schedule = ok(
        'create schedule',
        await owner('worker', 'POST', `/v1/actions/${action.id}/schedules`, { cron: '0 3 1 1 *', timeZone: 'Europe/Berlin', input: stateChange(`PKG-SCHEDULED-${m}`) }),
      ).body;
      tenant.schedules.push(schedule.id);
    },
    async () => {
      for (const trackingId of tenant.recipients) {
        ok('set recipient', await owner('worker', 'PUT', `/v1/tracking/packages/${trackingId}/recipient`, { email: `customer-${m}@example.com`, language: 'en', consent: true }));
      }
      ok('set template', await owner('worker', 'PUT', '/v1/tracking/templates/in_transit/en', { subject: `On its way ${m}`, text: `Parcel {{trackingId}} ${m}` }));
      ok('opt out', await owner('worker', 'POST', '/v1/tracking/opt-outs', { email: `nobody-${m}@example.com` }));
    },
    async () => {
      // A data action on the suite's local registry (the same company for every tenant: its URL, the worker's
      // ingest log's extId, is a natural key they share).
      const config = { baseUrl: registryUrl, companyId: REGISTRY_COMPANY, timeoutMs: 2_000 };
      const deployment = ok('create data deployment', await owner('worker', 'POST', '/v1/deployments', { integration: 'company-registry', name: `registry-${m}`, config, allowPrivateNetwork: true })).body;
      tenant.deployments.push(deployment.id);
      tenant.dataActions.push(ok('create data action', await owner('worker', 'POST', `/v1/deployments/${deployment.id}/actions`, { method: 'company-profile' })).body.id);
    },
  ];

  const carrierWebhook = () => tenant.webhooks.find((w) => w.topic === 'tracking.carrier-update.received')!;
  const buildWebhook = (topic: string) => tenant.webhooks.find((w) => w.topic === topic)!;
  const deliver = async (webhook: { url: string; secret: string }, payload: object) => {
    const response = await sendStandardWebhook(webhook.url, webhook.secret, payload);
    ok('deliver webhook', { status: response.status, text: await response.text(), body: undefined });
  };
  // Queues of steps that must keep their order (a package's updates, a stream's appends); the queues interleave.
  const queues: Step[][] = [];
  for (const [trackingId, updates] of tenant.packages) {
    if (trackingId === tenant.warmUp) continue;
    queues.push(
      CARRIER_STEPS.slice(0, updates).map((status, step) => () => {
        const occurredAt = new Date(Date.UTC(2026, 10, 23, 8 + step, tenant.index)).toISOString();
        return deliver(carrierWebhook(), { trackingId, carrier: `dhl-${m}`, status, occurredAt });
      }),
    );
  }
  for (const [streamId, events] of tenant.streams) {
    const eventIds = draw.value(fc.uniqueArray(fc.uuid({ version: 4 }), { minLength: 1, maxLength: 2 }));
    queues.push(
      eventIds.map((eventId, i) => async () => {
        const data = { trackingId: `${streamId}-${i}`, carrier: `api-${m}`, status: 'In Transit', occurredAt: '2026-11-23T12:00:00Z' };
        ok('append', await owner('eventStore', 'POST', `/v1/streams/${streamId}/events`, { events: [{ eventId, type: 'tracking.carrier-update.received', data }] }));
        events.push(eventId);
      }),
    );
  }
  for (const [buildId, projectId] of tenant.builds) {
    queues.push([
      () => deliver(buildWebhook('build.created'), { buildId, projectId, createdAt: '2026-11-23T10:00:00.000Z', branchName: `feature/${m}` }),
      () =>
        deliver(buildWebhook('build.disk-usage.updated'), { buildId, projectId, measuredAt: '2026-11-23T11:00:00.000Z', realBytes: 1000 + tenant.index, virtualBytes: 5000 + tenant.index }),
    ]);
  }
  queues.push(
    tenant.products.map((sku) => async () => {
      const data = { sku, name: `Product ${m}`, updatedAt: '2026-11-23T10:00:00.000Z', price: '9.90', currency: 'EUR', stock: tenant.index };
      ok('append product', await owner('eventStore', 'POST', `/v1/streams/product-${sku}/events`, { events: [{ type: 'catalog.product.upserted', data }] }));
    }),
  );
  // Each fetch of the data action is an upstream answer in the worker's ingest log.
  queues.push(
    Array.from({ length: draw.integer(1, 2) }, () => async () => {
      ok('fetch data', await owner('worker', 'GET', `/v1/actions/${tenant.dataActions[0]}/data`));
      tenant.dataFetches++;
    }),
  );
  queues.push(
    Array.from({ length: draw.integer(1, 2) }, (_, i) => async () => {
      const input = stateChange(`PKG-MANUAL-${i}-${m}`);
      const run = ok('run action', await owner('worker', 'POST', `/v1/actions/${tenant.actions[0]}/runs`, { input })).body;
      tenant.manualRuns.push(run.runId);
    }),
  );
  const warmUp = () =>
    deliver(carrierWebhook(), { trackingId: tenant.warmUp, carrier: `dhl-${m}`, status: CARRIER_STEPS[0], occurredAt: new Date(Date.UTC(2026, 10, 23, 7, tenant.index)).toISOString() });
  return { setup, warmUp, traffic: draw.interleave(queues) };
}

/** Mails the tenant's consenting recipients get: one per transition of their packages. */
export const mailsOf = (tenant: Tenant) => [...tenant.recipients].reduce((n, trackingId) => n + tenant.packages.get(trackingId)!, 0);
