// What the isolation suite knows of the platform's interfaces: the kinds of ids, and for every route,
// GraphQL field and CLI command which ids it takes. The suite enumerates the interfaces from the
// running apps (OpenAPI documents, GraphQL introspection, the CLI's help) and fails on anything not
// listed here, so a new route cannot go unchecked.
import fc from 'fast-check';
import type { Draw } from './draw.js';
import type { Tenant } from './tenant-world.js';

/** The kinds of ids the routes take. */
export type Kind =
  | 'tenant'
  | 'user'
  | 'apiKey'
  | 'app'
  | 'integration'
  | 'webhook'
  | 'stream'
  | 'event'
  | 'package'
  | 'projection'
  | 'build'
  | 'project'
  | 'product'
  | 'deadLetter'
  | 'deployment'
  | 'action'
  | 'schedule'
  | 'run'
  | 'mail'
  | 'webhookSecret'
  | 'ingestEntry'
  | 'delivery'
  | 'dataAction'
  | 'actionAnswer'
  | 'settlement';

export interface KindOfId {
  /** The tenant's own ids of the kind. */
  own(t: Tenant): string[];
  /** A well-formed id that exists nowhere: another tenant's must be answered as this one is. */
  fresh(): string;
}

/** Each kind of id the platform's routes take. */
export function kindsOfIds(draw: Draw): Record<Kind, KindOfId> {
  const uuid = () => draw.value(fc.uuid({ version: 4 }));
  return {
    tenant: { own: (t) => [t.id], fresh: uuid },
    user: { own: (t) => t.users, fresh: uuid },
    apiKey: { own: (t) => t.keyIds, fresh: uuid },
    app: { own: (t) => t.apps, fresh: uuid },
    integration: { own: (t) => t.integrations, fresh: uuid },
    webhook: { own: (t) => t.webhooks.map((w) => w.id), fresh: uuid },
    stream: { own: (t) => [...t.streams.keys()], fresh: () => `order-nowhere-${draw.integer(0, 1e9)}` },
    event: { own: (t) => t.settled.events, fresh: uuid },
    package: { own: (t) => [...t.packages.keys()], fresh: () => `PKG-NOWHERE-${draw.integer(0, 1e9)}` },
    projection: { own: () => ['package_status', 'builds'], fresh: () => 'no_such_projection' },
    build: { own: (t) => [...t.builds.keys()], fresh: uuid },
    project: { own: (t) => [...new Set(t.builds.values())], fresh: uuid },
    product: { own: (t) => t.products, fresh: () => `SKU-NOWHERE-${draw.integer(0, 1e9)}` },
    deadLetter: { own: (t) => t.settled.deadLetters, fresh: () => String(draw.integer(10_000_000, 2 ** 31 - 1)) },
    deployment: { own: (t) => t.deployments, fresh: uuid },
    action: { own: (t) => t.actions, fresh: uuid },
    schedule: { own: (t) => t.schedules, fresh: uuid },
    run: { own: (t) => t.settled.runs, fresh: uuid },
    mail: { own: (t) => t.settled.mails, fresh: uuid },
    /** `<webhook id>/<secret id>`: a secret is addressed through its webhook. */
    /** The ingest log's entries (the world's webhook deliveries, answered and logged). */
    ingestEntry: { own: (t) => t.settled.ingest, fresh: uuid },
    /** The ingest log's webhook deliveries (GET /v1/deliveries): its entries sent by a webhook. */
    delivery: { own: (t) => t.settled.deliveries, fresh: uuid },
    /** Data actions (company-registry), and the upstream answers their fetches got (the worker's ingest log). */
    dataAction: { own: (t) => t.dataActions, fresh: uuid },
    actionAnswer: { own: (t) => t.settled.actionAnswers, fresh: uuid },
    /**
     * Settlement tokens (`settleLater`): no integration of the world leaves a message unsettled, so no tenant owns one
     * here — another tenant's token is refused as unknown in apps/integration-worker/src/runtime/queues.int-spec.ts.
     */
    settlement: { own: () => [], fresh: () => `stl_${uuid().replace(/-/g, '')}${'x'.repeat(11)}` },
    webhookSecret: { own: (t) => t.secretIds.map((secretId) => `${t.webhooks[0].id}/${secretId}`), fresh: () => `${uuid()}/${uuid()}` },
  };
}

export interface RestRule {
  /** The path parameter and the kind of id it takes. */
  readonly param?: readonly [string, Kind];
  /** Wants the platform admin key: a tenant key is refused alike whatever the id. */
  readonly admin?: true;
  /** A list: the kind of its rows (every one of the caller's must be on its first page). */
  readonly list?: Kind;
  /** Holds no tenant data (the integrations a worker runs). */
  readonly catalog?: true;
  /** What the caller's own ids answer when not 200 (the world's actions are relays, which serve no data). */
  readonly ownStatus?: number;
}

/**
 * Every GET route with a key, by app and OpenAPI path. A route added to an OpenAPI document without
 * a line here fails the sweep: say which ids it takes.
 */
export const REST: Record<string, RestRule> = {
  'gateway /v1/tenants': { admin: true },
  'gateway /v1/tenants/{tenantId}': { admin: true, param: ['tenantId', 'tenant'] },
  'gateway /v1/tenant': { list: 'tenant' },
  'gateway /v1/users': { list: 'user' },
  'gateway /v1/users/{userId}': { param: ['userId', 'user'] },
  'gateway /v1/api-keys': { list: 'apiKey' },
  'gateway /v1/api-keys/{keyId}': { param: ['keyId', 'apiKey'] },
  'gateway /v1/apps': { list: 'app' },
  'gateway /v1/apps/{appId}': { param: ['appId', 'app'] },
  'gateway /v1/integrations': { list: 'integration' },
  'gateway /v1/integrations/{integrationId}': { param: ['integrationId', 'integration'] },
  'gateway /v1/webhooks': { list: 'webhook' },
  'gateway /v1/webhooks/{webhookId}': { param: ['webhookId', 'webhook'] },
  'gateway /v1/webhooks/{webhookId}/secrets': { param: ['webhookId', 'webhook'] },
  'gateway /v1/ingest': { list: 'ingestEntry' },
  'gateway /v1/deliveries': { list: 'delivery' },
  'eventStore /v1/streams': { list: 'stream' },
  'eventStore /v1/streams/{streamId}': { param: ['streamId', 'stream'] },
  'eventStore /v1/streams/{streamId}/events': { param: ['streamId', 'stream'] },
  'eventStore /v1/events': { list: 'event' },
  'eventStore /v1/events/{eventId}': { param: ['eventId', 'event'] },
  'eventStore /v1/packages': { list: 'package' },
  'eventStore /v1/packages/{trackingId}': { param: ['trackingId', 'package'] },
  'eventStore /v1/projections': { admin: true },
  'eventStore /v1/projections/{name}': { admin: true, param: ['name', 'projection'] },
  'eventStore /build': { list: 'build' },
  'eventStore /build/{build}': { param: ['build', 'build'] },
  'eventStore /build/{build}/disk-usage': { param: ['build', 'build'] },
  'eventStore /project': { list: 'project' },
  'eventStore /project/{project}/disk-usage': { param: ['project', 'project'] },
  'eventStore /v1/feeds/products.csv': { list: 'product' },
  'eventStore /v1/feeds/products.json': { list: 'product' },
  'worker /v1/integrations': { catalog: true },
  'worker /v1/deployments': { list: 'deployment' },
  'worker /v1/deployments/{id}': { param: ['id', 'deployment'] },
  'worker /v1/actions': { list: 'action' },
  'worker /v1/actions/{id}/data': { param: ['id', 'action'], ownStatus: 400 },
  'worker /v1/runs': { list: 'run' },
  'worker /v1/ingest': { list: 'actionAnswer' },
  'worker /v1/runs/{id}': { param: ['id', 'run'] },
  'worker /v1/schedules': { list: 'schedule' },
  'worker /v1/dead-letters': { list: 'deadLetter' },
  'worker /v1/dead-letters/{id}': { param: ['id', 'deadLetter'] },
  'worker /v1/tracking/packages/{trackingId}': { param: ['trackingId', 'package'] },
  'worker /v1/tracking/mailbox': { list: 'mail' },
};
/** Query parameters that name another record: a foreign one must filter like an unknown one. */
export const ID_QUERY: Record<string, Kind> = { appId: 'app', actionId: 'action', project: 'project', prefix: 'stream', webhookId: 'webhook', tenantId: 'tenant' };
/** Query parameters that do not (`after` is a cursor: another tenant's is tried too). */
export const PLAIN_QUERY = new Set(['limit', 'after', 'from', 'to', 'type', 'status', 'direction', 'group', 'topic', 'state', 'maxAge', 'inStock', 'currency', 'extId', 'since', 'locale', 'until', 'code', 'traceId']);

export interface GraphqlRule {
  readonly arg?: readonly [string, Kind];
  readonly admin?: true;
  readonly list?: Kind;
  /** Optional arguments naming another record. */
  readonly filters?: Record<string, Kind>;
}
/** Every GraphQL query field with a tenant key, by endpoint. A field added without a line here fails the sweep. */
export const GRAPHQL: Record<'gateway' | 'eventStore' | 'changeSink', Record<string, GraphqlRule>> = {
  gateway: {
    apiKey: { arg: ['id', 'apiKey'] },
    apiKeys: { list: 'apiKey' },
    app: { arg: ['id', 'app'] },
    apps: { list: 'app' },
    integration: { arg: ['id', 'integration'] },
    integrations: { list: 'integration' },
    myTenant: { list: 'tenant' },
    tenant: { arg: ['id', 'tenant'], admin: true },
    tenants: { admin: true },
    user: { arg: ['id', 'user'] },
    users: { list: 'user' },
    webhook: { arg: ['id', 'webhook'] },
    webhookSecrets: { arg: ['webhookId', 'webhook'] },
    webhooks: { list: 'webhook', filters: { appId: 'app' } },
  },
  eventStore: {
    build: { arg: ['id', 'build'] },
    builds: { list: 'build', filters: { projectId: 'project' } },
    event: { arg: ['id', 'event'] },
    events: { list: 'event' },
    package: { arg: ['trackingId', 'package'] },
    packages: { list: 'package' },
    projectDiskUsage: { arg: ['id', 'project'] },
    projects: { list: 'project' },
    stream: { arg: ['id', 'stream'] },
    streams: { list: 'stream', filters: { prefix: 'stream' } },
  },
  changeSink: { viewer: { list: 'tenant' } },
};

export interface WriteCase {
  readonly method?: string;
  readonly path: string;
  readonly body?: unknown;
}
export interface WriteRule {
  /** Wants the platform admin key: a tenant key is refused whatever the ids (sent with this valid body). */
  readonly admin?: object;
  /** Names no record of anyone's (it creates the caller's own, by a natural key at most). */
  readonly creates?: true;
  /** Requests naming a record of a kind (in the path or the body): another tenant's must be refused as one that exists nowhere. */
  readonly cases?: ReadonlyArray<readonly [Kind, (id: string, viewer: Tenant) => WriteCase]>;
  /**
   * No tenant of the world owns a record of the kind (its unknown one is still checked here); the test that
   * refuses another tenant's is this file.
   */
  readonly ownedElsewhere?: string;
}
export const STATE_CHANGE = { trackingId: 'PKG-PROBE', carrier: 'dhl', occurredAt: '2026-11-23T10:00:00.000Z', to: 'in_transit', version: 1, carrierStatus: 'In Transit' };
/**
 * Every route that changes something, by app, method and OpenAPI path; the same rule as for reads: a
 * route added without a line here fails the sweep. Each request is valid but for the record it names.
 */
export const WRITES: Record<string, WriteRule> = {
  'gateway POST /v1/tenants': { admin: { name: 'probe' } },
  'gateway PATCH /v1/tenants/{tenantId}': { admin: { name: 'probe' } },
  'gateway POST /v1/tenants/{tenantId}/api-keys': { admin: { name: 'probe', role: 'owner' } },
  'gateway PUT /v1/tenants/{tenantId}/integrations/{integrationId}/subscription': { admin: { plan: 'probe', paidUntil: '2099-01-01T00:00:00Z' } },
  'gateway POST /v1/tenants/{tenantId}/webhooks': { admin: { topic: 'tracking.carrier-update.received' } },
  'gateway PATCH /v1/tenant': { creates: true },
  'gateway POST /v1/users': { creates: true },
  'gateway PATCH /v1/users/{userId}': { cases: [['user', (id) => ({ path: `/v1/users/${id}`, body: { name: 'probe' } })]] },
  'gateway POST /v1/api-keys': { cases: [['user', (id) => ({ path: '/v1/api-keys', body: { name: 'probe', userId: id } })]] },
  'gateway DELETE /v1/api-keys/{keyId}': { cases: [['apiKey', (id) => ({ path: `/v1/api-keys/${id}` })]] },
  'gateway POST /v1/apps': { creates: true },
  'gateway POST /v1/ingest': { creates: true },
  'gateway PATCH /v1/apps/{appId}': { cases: [['app', (id) => ({ path: `/v1/apps/${id}`, body: { name: 'probe' } })]] },
  'gateway POST /v1/integrations': { cases: [['app', (id) => ({ path: '/v1/integrations', body: { name: 'probe', appIds: [id] } })]] },
  'gateway PATCH /v1/integrations/{integrationId}': {
    cases: [
      ['integration', (id) => ({ path: `/v1/integrations/${id}`, body: { name: 'probe' } })],
      ['app', (id, viewer) => ({ path: `/v1/integrations/${viewer.integrations[0]}`, body: { appIds: [id] } })],
    ],
  },
  'gateway POST /v1/webhooks': { cases: [['app', (id) => ({ path: '/v1/webhooks', body: { appId: id, topic: 'tracking.carrier-update.received' } })]] },
  'gateway PATCH /v1/webhooks/{webhookId}': { cases: [['webhook', (id) => ({ path: `/v1/webhooks/${id}`, body: { name: 'probe' } })]] },
  'gateway POST /v1/webhooks/{webhookId}/secrets': { cases: [['webhook', (id) => ({ path: `/v1/webhooks/${id}/secrets`, body: { overlapSeconds: 3600 } })]] },
  'gateway DELETE /v1/webhooks/{webhookId}/secrets/{secretId}': {
    cases: [
      ['webhookSecret', (id) => ({ path: `/v1/webhooks/${id.replace('/', '/secrets/')}` })],
      ['webhookSecret', (id, viewer) => ({ path: `/v1/webhooks/${viewer.webhooks[0].id}/secrets/${id.split('/')[1]}` })],
    ],
  },
  // An event id is the caller's choice: another tenant's must be as free as one never used.
  'eventStore POST /v1/streams/{streamId}/events': {
    cases: [['event', (id) => ({ path: `/v1/streams/probe-${id}/events`, body: { events: [{ eventId: id, type: 'tracking.package.state-changed', data: STATE_CHANGE }] } })]],
  },
  'eventStore POST /v1/projections/{name}/rebuild': { admin: {} },
  // Bulk recovery names no record (a filter of topic, group, code, time): a tenant key's takes only its own dead
  // letters, tested in test/int/worker-dead-letters-bulk.int-spec.ts and test/int/cli-dlq-bulk.int-spec.ts.
  'worker POST /v1/dead-letters/redrive': { creates: true },
  'worker POST /v1/dead-letters/discard': { creates: true },
  'worker POST /v1/dead-letters/{id}/redrive': { cases: [['deadLetter', (id) => ({ path: `/v1/dead-letters/${id}/redrive` })]] },
  'worker POST /v1/dead-letters/{id}/discard': { cases: [['deadLetter', (id) => ({ path: `/v1/dead-letters/${id}/discard` })]] },
  'worker PUT /v1/tracking/packages/{trackingId}/recipient': { creates: true },
  'worker PUT /v1/tracking/templates/{state}/{language}': { creates: true },
  'worker POST /v1/tracking/opt-outs': { creates: true },
  'worker POST /v1/deployments': { creates: true },
  'worker PATCH /v1/deployments/{id}': { cases: [['deployment', (id) => ({ path: `/v1/deployments/${id}`, body: { enabled: true } })]] },
  'worker POST /v1/deployments/{id}/actions': { cases: [['deployment', (id) => ({ path: `/v1/deployments/${id}/actions`, body: { method: 'relay-state-change', onTopic: false } })]] },
  'worker PATCH /v1/actions/{id}': { cases: [['action', (id) => ({ path: `/v1/actions/${id}`, body: { enabled: true } })]] },
  'worker POST /v1/actions/{id}/runs': { cases: [['action', (id) => ({ path: `/v1/actions/${id}/runs`, body: { input: STATE_CHANGE } })]] },
  'worker POST /v1/actions/{id}/schedules': { cases: [['action', (id) => ({ path: `/v1/actions/${id}/schedules`, body: { cron: '0 3 1 1 *' } })]] },
  'worker POST /v1/settlements/{token}': {
    cases: [['settlement', (id) => ({ path: `/v1/settlements/${id}`, body: { outcome: 'ack' } })]],
    ownedElsewhere: 'apps/integration-worker/src/runtime/queues.int-spec.ts',
  },
  'worker PATCH /v1/schedules/{id}': { cases: [['schedule', (id) => ({ path: `/v1/schedules/${id}`, body: { enabled: true } })]] },
};

/** Arguments that name no record (`after` is a cursor). */
export const GRAPHQL_PLAIN_ARGS = new Set(['first', 'limit', 'after', 'status', 'types', 'from', 'to']);

/** The CLI's read commands and the option naming a record; every other command must be listed as a write. */
export const CLI_READS: Record<string, { option?: readonly [string, Kind]; positional?: true; admin?: true; list?: Kind; filters?: Record<string, Kind>; catalog?: true }> = {
  'tenant list': { admin: true },
  'tenant show': { list: 'tenant', filters: { tenant: 'tenant' } },
  'app list': { list: 'app' },
  'app show': { option: ['app', 'app'] },
  'integration list': { list: 'integration' },
  'integration show': { option: ['integration', 'integration'] },
  'webhook list': { list: 'webhook', filters: { app: 'app' } },
  'webhook show': { option: ['webhook', 'webhook'] },
  'secret list': { option: ['webhook', 'webhook'] },
  'apikey list': { list: 'apiKey' },
  'dlq list': { list: 'deadLetter' },
  'dlq show': { option: ['id', 'deadLetter'] },
  'actions runs': { list: 'run', filters: { id: 'action' } },
  'actions data': { option: ['actionId', 'dataAction'], positional: true },
  'ingest list': { list: 'ingestEntry' },
  'deliveries list': { list: 'delivery', filters: { webhook: 'webhook' } },
  /** The product feed, streamed to stdout (JSON by default): own SKUs only. */
  'feeds products': { list: 'product' },
  'projections list': { admin: true },
  'projections status': { admin: true },
  /** The worker's integration catalogue: the same for every tenant, nothing of one (run and checked for leaks only). */
  'deployments integrations': { catalog: true },
  'deployments list': { list: 'deployment' },
  'deployments show': { option: ['deployment', 'deployment'] },
  'schedules list': { list: 'schedule' },
  'tracking list': { list: 'package' },
  'tracking show': { option: ['tracking-id', 'package'] },
  'tracking mailbox': { list: 'mail' },
  'streams list': { list: 'stream' },
  'streams show': { option: ['stream', 'stream'] },
  'streams read': { option: ['stream', 'stream'] },
  'events list': { list: 'event' },
  'events show': { option: ['event', 'event'] },
  // `tributary listen` (a stream, no subcommand; the help line's pattern skips it): its isolation — another
  // tenant's events never forwarded, another tenant's webhook refused as none — is test/int/cli-listen.int-spec.ts.
};
export const CLI_WRITES = new Set(['create', 'update', 'rotate', 'expire', 'revoke', 'redrive', 'discard', 'run', 'rebuild', 'send', 'generate', 'subscription', 'push', 'ack', 'nack', 'reject', 'append', 'pause', 'resume', 'recipient', 'opt-out', 'template']);

/** How often each route was probed with another tenant's ids or checked for own rows: none would make its check vacuous. */
export class Probes {
  private readonly counts = new Map<string, number>();

  count(what: string): void {
    this.counts.set(what, (this.counts.get(what) ?? 0) + 1);
  }

  missing(expected: readonly string[]): string[] {
    return expected.filter((what) => !this.counts.get(what));
  }
}

export interface Violation {
  readonly where: string;
  readonly problem: string;
}
