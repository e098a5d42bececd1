import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  connectSocket,
  createTestDatabase,
  eventually,
  sendStandardWebhook,
  startFakeUpstream,
  subscribe,
  testEnvironment,
  type FakeUpstream,
  type SocketClient,
  type Subscription,
  type TestDatabase,
} from '@tributary/testing';
import { run, type CliResult } from '../../apps/cli/src/main.js';
import { startPlatform, type RunningPlatform } from '../../apps/standalone/src/platform.js';
import { loadStandaloneConfig } from '../../apps/standalone/src/standalone.config.js';
import { Draw } from '../support/isolation/draw.js';
import { namedType, printType, selectionOf, type GraphqlType } from '../support/isolation/graphql-schema.js';
import {
  CLI_READS,
  CLI_WRITES,
  GRAPHQL,
  GRAPHQL_PLAIN_ARGS,
  ID_QUERY,
  kindsOfIds,
  PLAIN_QUERY,
  Probes,
  REST,
  STATE_CHANGE,
  WRITES,
  type Kind,
  type Violation,
  type WriteCase,
} from '../support/isolation/interfaces.js';
import { foreignIn, foreignTenantFields } from '../support/isolation/leaks.js';
import {
  call,
  drawWorld,
  mailsOf,
  REGISTRY_COMPANY,
  REGISTRY_ENTRY,
  STATUS_AFTER_STEP,
  tenantSteps,
  type Answer,
  type AppName,
  type Tenant,
  type World,
} from '../support/isolation/tenant-world.js';

/**
 * Tenant isolation, randomized (issue 16): three or four tenants get every kind of data the platform
 * holds per tenant — users, keys, apps, integrations, webhooks and secrets, deliveries, deployments,
 * actions, runs, schedules, tracked packages, recipients, templates, mails, dead letters, streams and
 * events, package_status rows, builds — through the real interfaces, interleaved in a random order,
 * with natural keys (tracking, stream, build and project ids) shared between tenants. Then every read
 * is made with every tenant's keys for every other tenant's ids: each GET route of the four apps'
 * OpenAPI documents, each GraphQL query field, graphql-ws subscriptions and socket.io on the
 * change-sink (live while the tenants' changes are written interleaved, and replayed after another
 * tenant's cursor), and the CLI's read commands; and every write route is sent each other tenant's
 * ids. A foreign id must be answered exactly as an id that exists nowhere (status and code, in the
 * error contract); a list only ever holds the caller's rows; nothing another tenant wrote or owns (its
 * ids, names, markers, keys, secrets) appears in any answer; no write changes another tenant's data.
 *
 * The seed is in the suite's name; `FUZZ_SEED=<seed>` replays the run's scenario and choices (ids the
 * platform assigns differ from run to run).
 */
/** What the subscriptions and the REST reads answer, as far as these cases read it. */
interface PackageUpdate {
  readonly trackingId: string;
  readonly status: string;
  readonly carrier: string;
  readonly eventId: string;
  readonly cursor: string;
}
interface Change {
  readonly id: string;
  readonly table: string;
  readonly data?: { readonly tracking_id?: string; readonly tenant_id?: string };
}
/** One operation of an OpenAPI document. */
interface Operation {
  readonly security?: object[];
  readonly parameters?: Array<{ name: string; in: string; schema?: { maximum?: number } }>;
  readonly responses?: Record<string, unknown>;
}

const seed = Draw.seedFrom(testEnvironment().FUZZ_SEED);
const draw = new Draw(seed);

const KINDS = kindsOfIds(draw);

describe(`tenant isolation, randomized (FUZZ_SEED=${seed})`, () => {
  let home: string;
  let cliDir: string;
  let database: TestDatabase;
  let platform: RunningPlatform;
  let registry: FakeUpstream;
  let world: World;
  /** Per tenant: graphql-ws and socket.io clients opened before the tenants' changes were written. */
  const live = new Map<Tenant, { all: Subscription<PackageUpdate>; one: Subscription<PackageUpdate>; oneId: string; changes: Subscription<Change>; socket: SocketClient }>();
  const closers: Array<() => unknown> = [];

  const tenants = () => world.tenants;
  const others = (t: Tenant) => world.tenants.filter((u) => u !== t);
  const keyOf = (t: Tenant) => draw.pick(t.keys);
  const asAdmin = (app: AppName, path: string) => call(platform, app, 'GET', path, platform.adminKey);

  /** The problems of one answer to `viewer`: another tenant's identifiers, a row of another tenant. */
  const leaksOf = (viewer: Tenant | undefined, where: string, answer: { text: string; body?: unknown }, echoed: string[] = []): Violation[] => [
    ...foreignIn(world, viewer, answer.text, echoed).map((found) => ({ where, problem: `shows ${found}` })),
    ...(viewer ? foreignTenantFields(answer.body, viewer.id).map((field) => ({ where, problem: `holds a row of another tenant: ${field}` })) : []),
  ];
  const errorCode = (answer: Answer): string | undefined => answer.body?.error?.code;
  const isErrorBody = (answer: Answer) =>
    typeof answer.body?.error?.code === 'string' && typeof answer.body?.error?.message === 'string' && typeof answer.body?.traceId === 'string';

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'tributary-isolation-'));
    cliDir = mkdtempSync(join(tmpdir(), 'tributary-isolation-cli-'));
    database = await createTestDatabase();
    platform = await startPlatform(
      loadStandaloneConfig({
        TRIBUTARY_HOME: home,
        DATABASE_URL: database.url,
        GATEWAY_PORT: '0',
        EVENT_STORE_PORT: '0',
        CHANGE_SINK_PORT: '0',
        WORKER_PORT: '0',
        LOG_LEVEL: 'silent',
      }),
    );
    registry = await startFakeUpstream();
    registry.serve(`/ekonomicke-subjekty/${REGISTRY_COMPANY}`, REGISTRY_ENTRY);
    world = drawWorld(draw);
    const steps = tenants().map((t) => tenantSteps(platform, draw, t, registry.url));
    for (const step of draw.interleave(steps.map((s) => s.setup))) await step();

    // Subscribed before the tenants' changes are written: each must see every change of its tenant and no other.
    await eventually(async () => (await fetch(`${platform.urls.changeSink}/health/ready`)).status, (s) => s === 200, { timeoutMs: 30_000 });
    const packageFields = 'trackingId status carrier carrierStatus updatedAt eventId cursor';
    for (const t of tenants()) {
      const key = keyOf(t);
      const subscriptions = {
        all: subscribe<PackageUpdate>(platform.urls.graphqlWs, key, `subscription { packageUpdated { ${packageFields} } }`),
        changes: subscribe<Change>(platform.urls.graphqlWs, key, 'subscription { changes { id table type data } }'),
        socket: connectSocket(platform.urls.changeSink, { token: key }),
      };
      live.set(t, { ...subscriptions, one: undefined!, oneId: '' });
      closers.push(() => subscriptions.all.close(), () => subscriptions.changes.close(), () => subscriptions.socket.close());
    }
    for (const s of live.values()) await Promise.all([s.all.connected, s.changes.connected, s.socket.ready]);
    // graphql-ws does not acknowledge a subscription: each tenant's first change, seen by all its subscribers, says they listen.
    for (const step of draw.shuffle(steps.map((s) => s.warmUp))) await step();
    for (const t of tenants()) {
      const s = live.get(t)!;
      const warm = (changes: ReadonlyArray<Partial<PackageUpdate & Change>>) => changes.some((c) => (c.trackingId ?? c.data?.tracking_id) === t.warmUp);
      for (const feed of [() => s.all.received, () => s.changes.received, () => socketChanges(s.socket)]) await eventually(async () => feed(), warm, { timeoutMs: 30_000 });
      // One package by id, resumed after that first change: one the tenant shares with another when it has one, else another tenant's own.
      const shared = [...t.packages.keys()].filter((p) => others(t).some((u) => u.packages.has(p)));
      s.oneId = shared.length > 0 ? draw.pick(shared) : draw.pick(others(t).flatMap((u) => [...u.packages.keys()].filter((p) => p !== u.warmUp)));
      const after = s.all.received.find((c) => c.trackingId === t.warmUp)!.cursor;
      s.one = subscribe<PackageUpdate>(platform.urls.graphqlWs, keyOf(t), `subscription($id: String, $after: String) { packageUpdated(trackingId: $id, after: $after) { ${packageFields} } }`, {
        id: s.oneId,
        after,
      });
      closers.push(() => s.one.close());
      await s.one.connected;
    }

    for (const step of draw.interleave(steps.map((s) => s.traffic))) await step();
    await settle();
  }, 240_000);

  afterAll(async () => {
    for (const close of closers) await close();
    await platform?.stop();
    await registry?.close();
    await database?.drop();
    for (const dir of [home, cliDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Waits until the pipeline has done everything the traffic asked for, then records what the platform made for each tenant. */
  async function settle(): Promise<void> {
    const options = { timeoutMs: 90_000, intervalMs: 200 };
    for (const t of tenants()) {
      const owner = (app: AppName, path: string) => call(platform, app, 'GET', path, t.keys[0]);
      const finals = finalsOf(t);
      await eventually(
        async () => ((await owner('eventStore', '/v1/packages?limit=1000')).body?.packages ?? []).map((p: PackageUpdate) => `${p.trackingId}=${p.status}`).sort(),
        (seen: string[]) => finals.every((f) => seen.includes(f)),
        options,
      );
      for (const buildId of t.builds.keys()) {
        await eventually(async () => (await owner('eventStore', `/build/${buildId}/disk-usage`)).body, (b) => b?.bytesReal === 1000 + t.index, options);
      }
      await eventually(async () => ((await owner('eventStore', '/v1/feeds/products.json')).body ?? []).map((p: { sku: string }) => p.sku), (skus: string[]) => t.products.every((s) => skus.includes(s)), options);
      // Each run by hand fails for good: one dead letter each.
      const relays = t.manualRuns.length;
      await eventually(
        async () => (await owner('worker', `/v1/runs?actionId=${t.actions[0]}&limit=500`)).body?.items ?? [],
        (runs: Array<{ state: string }>) => runs.length === relays && runs.every((r) => r.state === 'fail'),
        options,
      );
      await eventually(async () => (await owner('worker', '/v1/dead-letters?limit=500')).body?.items?.length, (n) => n === relays, options);
      await eventually(async () => (await owner('worker', '/v1/tracking/mailbox')).body?.items, (items) => items?.length === mailsOf(t), options).catch((e) => {
        throw new Error(`${t.name}: expected ${mailsOf(t)} mails for ${[...t.recipients].map((r) => `${r}×${t.packages.get(r)}`)}: ${e.message}`);
      });
    }
    // Runs of the other methods end too (normalize, apply, notify): none still running.
    await eventually(async () => (await asAdmin('worker', '/v1/runs?state=init&limit=500')).body?.items?.length, (n) => n === 0, options);
    for (const t of tenants()) {
      const owner = (app: AppName, path: string) => call(platform, app, 'GET', path, t.keys[0]);
      t.settled.events.push(...(await allEvents(t.keys[0])));
      t.settled.runs.push(...(await owner('worker', '/v1/runs?limit=500')).body.items.map((r: { id: string }) => r.id));
      t.settled.deadLetters.push(...(await owner('worker', '/v1/dead-letters?limit=500')).body.items.map((l: { id: string }) => l.id));
      t.settled.mails.push(...(await owner('worker', '/v1/tracking/mailbox')).body.items.map((m: { messageId: string }) => m.messageId));
      const ingest: Array<{ id: string; actor: { kind: string } }> = (await owner('gateway', '/v1/ingest?limit=100')).body.data;
      t.settled.ingest.push(...ingest.map((e) => e.id));
      t.settled.deliveries.push(...ingest.filter((e) => e.actor.kind === 'webhook').map((e) => e.id));
      // The worker's ingest log is written within a second of each fetch.
      const answers = await eventually(
        async (): Promise<Array<{ id: string }>> => (await owner('worker', '/v1/ingest?limit=100')).body?.data ?? [],
        (data) => data.length === t.dataFetches,
        options,
      );
      t.settled.actionAnswers.push(...answers.map((e) => e.id));
    }
  }

  async function allEvents(key: string): Promise<string[]> {
    const ids: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = (await call(platform, 'eventStore', 'GET', `/v1/events?limit=1000${after ? `&after=${after}` : ''}`, key)).body;
      ids.push(...page.events.map((e: { eventId: string }) => e.eventId));
      if (page.events.length === 0) return ids;
      after = page.cursor;
    }
  }

  /** Up to `n` of the ids, drawn (every id of every kind would make thousands of calls). */
  const sample = (ids: readonly string[], n: number) => draw.some(ids, Math.min(n, ids.length), n);
  /** The ids of `kind` a tenant may ask for that are another tenant's and not its own (a shared natural key is its own). */
  const foreignIds = (kind: Kind, viewer: Tenant, owner: Tenant) => KINDS[kind].own(owner).filter((id) => !KINDS[kind].own(viewer).includes(id));
  const sameRefusal = (answer: Answer, unknown: Answer) => answer.status === unknown.status && errorCode(answer) === errorCode(unknown);
  const describeAnswer = (answer: Answer) => `${answer.status} ${errorCode(answer) ?? ''}`.trim();

  it('answers every GET route of the four apps’ OpenAPI documents with every tenant’s keys: another tenant’s id as an unknown one, lists with own rows only', async () => {
    const violations: Violation[] = [];
    const unlisted: string[] = [];
    const probes = new Probes();
    const routes: Array<{ app: AppName; path: string; operation: Operation }> = [];
    for (const app of ['gateway', 'eventStore', 'changeSink', 'worker'] as const) {
      const openapi = (await call(platform, app, 'GET', '/docs-json')).body;
      for (const [path, operations] of Object.entries<Record<string, Operation>>(openapi.paths)) if (operations.get) routes.push({ app, path, operation: operations.get });
    }
    expect(routes.length).toBeGreaterThan(40);
    for (const { app, path, operation } of draw.shuffle(routes)) {
      const where = `${app} GET ${path}`;
      const bearer = (operation.security ?? []).some((s: object) => 'bearer' in s);
      if (!bearer) {
        // Keyless routes (health, metrics, ping, the webhook ingress) must name no tenant at all.
        if (path.includes('{')) continue; // the webhook ingress: its own test below
        violations.push(...leaksOf(undefined, where, await call(platform, app, 'GET', path)));
        continue;
      }
      const rule = REST[`${app} ${path}`];
      if (!rule) {
        unlisted.push(`${app} ${path}`);
        continue;
      }
      const parameters: Array<{ name: string; in: string; schema?: { maximum?: number } }> = operation.parameters ?? [];
      const pathParams = parameters.filter((p) => p.in === 'path').map((p) => p.name);
      expect({ where, pathParams }).toEqual({ where, pathParams: rule.param ? [rule.param[0]] : [] });
      const queryParams = parameters.filter((p) => p.in === 'query');
      for (const q of queryParams) if (!PLAIN_QUERY.has(q.name) && !ID_QUERY[q.name]) unlisted.push(`${app} ${path}?${q.name}`);
      const limit = queryParams.find((q) => q.name === 'limit');
      const page = limit ? `limit=${limit.schema?.maximum ?? 100}` : '';
      const documented = (status: number) => Object.keys(operation.responses ?? {}).includes(String(status));

      for (const viewer of draw.shuffle(tenants())) {
        const get = (pathAndQuery: string) => call(platform, app, 'GET', pathAndQuery, keyOf(viewer));
        const as = `${where} as ${viewer.name}`;
        if (rule.param) {
          const [name, kind] = rule.param;
          const at = (id: string) => path.replace(`{${name}}`, encodeURIComponent(id));
          const unknownId = KINDS[kind].fresh();
          const unknown = await get(at(unknownId));
          if (!(unknown.status >= 400 && isErrorBody(unknown))) violations.push({ where: `${as} (unknown id ${unknownId})`, problem: `answered ${unknown.status} ${unknown.text}` });
          if (rule.admin && !(unknown.status === 403 && errorCode(unknown) === 'admin_required')) violations.push({ where: as, problem: `a tenant key got ${describeAnswer(unknown)}` });
          for (const id of sample(KINDS[kind].own(viewer), 3)) {
            const answer = await get(at(id));
            if (rule.admin ? !sameRefusal(answer, unknown) : answer.status !== (rule.ownStatus ?? 200)) violations.push({ where: `${as} (own ${id})`, problem: `answered ${describeAnswer(answer)}` });
            violations.push(...leaksOf(viewer, `${as} (own ${id})`, answer));
          }
          for (const owner of others(viewer)) {
            for (const id of sample(foreignIds(kind, viewer, owner), 8)) {
              const answer = await get(at(id));
              probes.count(where);
              const whose = `${as} (${owner.name}'s ${id})`;
              if (!sameRefusal(answer, unknown)) {
                violations.push({ where: whose, problem: `answered ${describeAnswer(answer)}, an unknown id ${describeAnswer(unknown)}` });
              } else if (!isErrorBody(answer) || !documented(answer.status)) {
                violations.push({ where: whose, problem: `refused outside the contract: ${answer.status} ${answer.text}` });
              }
              violations.push(...leaksOf(viewer, whose, answer, [id]));
            }
          }
          continue;
        }
        const list = await get(`${path}${page ? `?${page}` : ''}`);
        violations.push(...leaksOf(viewer, as, list));
        if (rule.admin) {
          if (!(list.status === 403 && errorCode(list) === 'admin_required')) violations.push({ where: as, problem: `a tenant key got ${describeAnswer(list)}` });
          continue;
        }
        if (list.status !== 200) violations.push({ where: as, problem: `answered ${describeAnswer(list)}` });
        for (const id of rule.list ? KINDS[rule.list].own(viewer) : []) {
          probes.count(where);
          if (!list.text.includes(id)) violations.push({ where: as, problem: `does not list its own ${rule.list} ${id}` });
        }
        // A filter naming another tenant's record filters as one naming nothing; a shared natural key, as the caller's own.
        for (const q of queryParams.filter((p) => ID_QUERY[p.name])) {
          const kind = ID_QUERY[q.name];
          const filtered = (value: string) => get(`${path}?${new URLSearchParams({ ...(page ? { limit: String(limit!.schema?.maximum ?? 100) } : {}), [q.name]: value })}`);
          const unknownId = KINDS[kind].fresh();
          const unknown = await filtered(unknownId);
          for (const owner of others(viewer)) {
            for (const id of sample(KINDS[kind].own(owner), 3)) {
              const answer = await filtered(id);
              const whose = `${as}?${q.name}=${owner.name}'s ${id}`;
              const own = KINDS[kind].own(viewer).includes(id);
              if (!own && !sameRefusal(answer, unknown)) violations.push({ where: whose, problem: `answered ${describeAnswer(answer)}, an unknown id ${describeAnswer(unknown)}` });
              violations.push(...leaksOf(viewer, whose, answer, [id]));
            }
          }
        }
        // Another tenant's cursor pages through the caller's own rows (or is refused), never through the other's.
        if (queryParams.some((q) => q.name === 'after')) {
          for (const owner of others(viewer)) {
            const first = (await call(platform, app, 'GET', `${path}${limit ? '?limit=1' : ''}`, keyOf(owner))).body;
            const cursor = first?.nextCursor ?? first?.next ?? first?.cursor;
            if (typeof cursor !== 'string') continue;
            const answer = await get(`${path}?${new URLSearchParams({ after: cursor })}`);
            const whose = `${as}?after=${owner.name}'s cursor ${cursor}`;
            if (answer.status !== 200 && !(answer.status === 400 && isErrorBody(answer))) violations.push({ where: whose, problem: `answered ${answer.status} ${answer.text}` });
            violations.push(...leaksOf(viewer, whose, answer, [cursor]));
          }
        }
      }
    }
    expect(unlisted).toEqual([]);
    expect(violations).toEqual([]);
    // Not vacuous: every route with an id was asked for other tenants' ids, every list checked for own rows.
    const expected = Object.entries(REST).filter(([, r]) => !r.admin && !r.catalog).map(([route]) => route.replace(' ', ' GET '));
    expect(probes.missing(expected)).toEqual([]);
  });

  it('refuses a delivery to another tenant’s webhook signed with the caller’s secret as one signed with a random secret', async () => {
    const violations: Violation[] = [];
    const payload = { trackingId: 'PKG-CROSS', carrier: 'dhl', status: 'In Transit', occurredAt: '2026-11-23T10:00:00Z' };
    for (const sender of tenants()) {
      for (const owner of others(sender)) {
        const target = draw.pick(owner.webhooks);
        const random = await sendStandardWebhook(target.url, `whsec_${Buffer.from(draw.value(fc.uuid({ version: 4 }))).toString('base64')}`, payload);
        const crossed = await sendStandardWebhook(target.url, draw.pick(sender.webhooks).secret, payload);
        const [a, b] = [
          { status: random.status, text: await random.text() },
          { status: crossed.status, text: await crossed.text() },
        ];
        const where = `${sender.name}'s secret on ${owner.name}'s webhook ${target.id}`;
        if (a.status !== b.status || JSON.parse(a.text).error?.code !== JSON.parse(b.text).error?.code) violations.push({ where, problem: `answered ${b.status} ${b.text}, a random secret ${a.status}` });
        if (b.status !== 401) violations.push({ where, problem: `answered ${b.status}` });
        violations.push(...leaksOf(sender, where, b, [target.id]));
      }
    }
    expect(violations).toEqual([]);
  });

  it('answers every GraphQL query field of the gateway, the event store and the change-sink with every tenant’s keys: another tenant’s id as an unknown one', async () => {
    const violations: Violation[] = [];
    const unlisted: string[] = [];
    const probes = new Probes();
    const ref = 'kind name ofType { kind name ofType { kind name ofType { kind name } } }';
    const introspection = `{ __schema { queryType { name } types { name kind fields { name type { ${ref} } args { name defaultValue type { ${ref} } } } } } }`;
    for (const endpoint of ['gateway', 'eventStore', 'changeSink'] as const) {
      const post = (key: string | undefined, query: string, variables: Record<string, unknown> = {}) => call(platform, endpoint, 'POST', '/graphql', key, { query, variables });
      const schema = (await post(undefined, introspection)).body.data.__schema;
      const types = new Map<string, GraphqlType>(schema.types.map((t: GraphqlType) => [t.name, t]));
      for (const field of types.get(schema.queryType.name)!.fields!) {
        const rule = GRAPHQL[endpoint][field.name];
        const where = `${endpoint} /graphql ${field.name}`;
        if (!rule) {
          unlisted.push(where);
          continue;
        }
        const required = field.args.filter((a) => a.type.kind === 'NON_NULL' && a.defaultValue === null).map((a) => a.name);
        const pages = required.filter((a) => a === 'first');
        expect({ where, required }).toEqual({ where, required: [...(rule.arg ? [rule.arg[0]] : []), ...pages] });
        for (const arg of field.args) if (arg.name !== rule.arg?.[0] && !rule.filters?.[arg.name] && !GRAPHQL_PLAIN_ARGS.has(arg.name)) unlisted.push(`${where}(${arg.name})`);
        const selection = selectionOf(types, namedType(field.type).name!, 3);
        const page = pages.length > 0 ? 'first: 1000' : field.args.some((a) => a.name === 'limit') ? 'limit: 100' : '';
        const ask = (viewer: Tenant, argName?: string, value?: string) => {
          const argType = argName ? printType(field.args.find((a) => a.name === argName)!.type) : '';
          const args = [page, ...(argName ? [`${argName}: $v`] : [])].filter(Boolean).join(', ');
          const query = `query${argName ? `($v: ${argType})` : ''} { ${field.name}${args ? `(${args})` : ''} ${selection} }`;
          return post(keyOf(viewer), query, argName ? { v: value } : {});
        };
        const outcome = (answer: Answer) => `${answer.body?.errors?.[0]?.extensions?.code ?? 'ok'}${answer.body?.data?.[field.name] == null ? ' null' : ''}`;
        for (const viewer of draw.shuffle(tenants())) {
          const as = `${where} as ${viewer.name}`;
          if (!rule.arg) {
            const answer = await ask(viewer);
            violations.push(...leaksOf(viewer, as, answer));
            if (rule.admin) {
              if (outcome(answer) !== 'admin_required null') violations.push({ where: as, problem: `a tenant key got ${outcome(answer)}` });
              continue;
            }
            if (outcome(answer) !== 'ok') violations.push({ where: as, problem: `answered ${answer.text}` });
            for (const id of rule.list ? KINDS[rule.list].own(viewer) : []) {
              probes.count(where);
              if (!answer.text.includes(id)) violations.push({ where: as, problem: `does not list its own ${rule.list} ${id}` });
            }
            for (const [argName, kind] of Object.entries(rule.filters ?? {})) {
              const unknown = await ask(viewer, argName, KINDS[kind].fresh());
              for (const owner of others(viewer)) {
                for (const id of sample(KINDS[kind].own(owner), 3)) {
                  const answer = await ask(viewer, argName, id);
                  const whose = `${as}(${argName}: ${owner.name}'s ${id})`;
                  const same = outcome(answer) === outcome(unknown) && JSON.stringify(answer.body?.data) === JSON.stringify(unknown.body?.data);
                  if (!KINDS[kind].own(viewer).includes(id) && !same) violations.push({ where: whose, problem: `answered ${answer.text}, an unknown id ${unknown.text}` });
                  violations.push(...leaksOf(viewer, whose, answer, [id]));
                }
              }
            }
            continue;
          }
          const [argName, kind] = rule.arg;
          const unknown = await ask(viewer, argName, KINDS[kind].fresh());
          if (rule.admin && outcome(unknown) !== 'admin_required null') violations.push({ where: as, problem: `a tenant key got ${outcome(unknown)}` });
          if (!rule.admin && outcome(unknown) === 'ok') violations.push({ where: as, problem: `an unknown id answered ${unknown.text}` });
          for (const id of sample(KINDS[kind].own(viewer), 3)) {
            const answer = await ask(viewer, argName, id);
            if (rule.admin ? outcome(answer) !== outcome(unknown) : outcome(answer) !== 'ok') violations.push({ where: `${as}(own ${id})`, problem: `answered ${answer.text}` });
            violations.push(...leaksOf(viewer, `${as}(own ${id})`, answer));
          }
          for (const owner of others(viewer)) {
            for (const id of sample(foreignIds(kind, viewer, owner), 8)) {
              const answer = await ask(viewer, argName, id);
              probes.count(where);
              const whose = `${as}(${owner.name}'s ${id})`;
              if (outcome(answer) !== outcome(unknown) || answer.status !== unknown.status) violations.push({ where: whose, problem: `answered ${answer.status} ${outcome(answer)}, an unknown id ${unknown.status} ${outcome(unknown)}` });
              violations.push(...leaksOf(viewer, whose, answer, [id]));
            }
          }
        }
      }
    }
    expect(unlisted).toEqual([]);
    expect(violations).toEqual([]);
    const expected = Object.entries(GRAPHQL).flatMap(([endpoint, fields]) => Object.entries(fields).filter(([, r]) => !r.admin).map(([field]) => `${endpoint} /graphql ${field}`));
    expect(probes.missing(expected)).toEqual([]);
  });

  it('refuses every tenant key on the operator page’s API (HTTP and graphql-ws): it is the admin’s view over all tenants', async () => {
    for (const viewer of tenants()) {
      const answer = await call(platform, 'gateway', 'POST', '/ui/graphql', keyOf(viewer), { query: '{ operatorOverview { __typename } }' });
      expect({ viewer: viewer.name, code: answer.body?.errors?.[0]?.extensions?.code, data: answer.body?.data ?? null }).toEqual({ viewer: viewer.name, code: 'admin_required', data: null });
      expect(leaksOf(viewer, 'operatorOverview', answer)).toEqual([]);
      const feed = subscribe<unknown>(`${platform.urls.gateway.replace(/^http/, 'ws')}/ui/graphql`, keyOf(viewer), 'subscription { operatorMessages { __typename } }');
      closers.push(() => feed.close());
      expect(await feed.failed).toBeTruthy();
      expect(feed.received).toEqual([]);
    }
  });

  /** A change-sink cursor (`<transaction>.<id>`) as a comparable pair. */
  const position = (cursor: string) => cursor.split('.').map((part) => BigInt(part)) as [bigint, bigint];
  const before = (a: string, b: string) => {
    const [x, y] = [position(a), position(b)];
    return x[0] < y[0] || (x[0] === y[0] && x[1] < y[1]);
  };
  /** Each of the tenant's packages at its last state, as `trackingId=status`. */
  const finalsOf = (t: Tenant) => [...t.packages].map(([trackingId, updates]) => `${trackingId}=${STATUS_AFTER_STEP[updates - 1]}`).sort();
  const seenStates = (changes: Array<{ trackingId?: string; status?: string; data?: { tracking_id?: string; status?: string } }>) =>
    changes.map((c) => `${c.trackingId ?? c.data?.tracking_id}=${c.status ?? c.data?.status}`);
  /** The socket.io changes a client received (every event but `connected`, under `changes` and the table's name). */
  const socketChanges = (client: SocketClient) => client.of('changes');

  it('pushes each graphql-ws and socket.io subscriber its own tenant’s changes and no other, while every tenant’s changes are written interleaved', async () => {
    const violations: Violation[] = [];
    for (const viewer of tenants()) {
      const s = live.get(viewer)!;
      const finals = finalsOf(viewer);
      const complete = (seen: string[]) => finals.every((f) => seen.includes(f));
      await eventually(async () => seenStates(s.all.received), complete, { timeoutMs: 30_000 });
      await eventually(async () => seenStates(s.changes.received), complete, { timeoutMs: 30_000 });
      await eventually(async () => seenStates(socketChanges(s.socket)), complete, { timeoutMs: 30_000 });
      const ownOne = viewer.packages.has(s.oneId);
      if (ownOne) await eventually(async () => seenStates(s.one.received), (seen) => seen.includes(finals.find((f) => f.startsWith(`${s.oneId}=`))!), { timeoutMs: 30_000 });

      const where = (feed: string) => `${feed} as ${viewer.name}`;
      for (const update of s.all.received) {
        if (update.carrier !== `dhl-${viewer.marker}` || !viewer.packages.has(update.trackingId) || !viewer.settled.events.includes(update.eventId)) {
          violations.push({ where: where('packageUpdated'), problem: `delivered ${JSON.stringify(update)}` });
        }
      }
      for (const update of s.one.received) {
        if (!ownOne || update.trackingId !== s.oneId || update.carrier !== `dhl-${viewer.marker}`) violations.push({ where: where(`packageUpdated(${s.oneId})`), problem: `delivered ${JSON.stringify(update)}` });
      }
      for (const change of [...s.changes.received, ...socketChanges(s.socket)]) {
        if (change.data?.tenant_id !== viewer.id) violations.push({ where: where('changes'), problem: `delivered ${JSON.stringify(change)}` });
      }
      // Each change once under `changes` and once under its table's name; nothing else but `connected`.
      const byTable = s.socket.events.filter((e) => e.event !== 'changes' && e.event !== 'connected');
      if (byTable.length !== socketChanges(s.socket).length || byTable.some((e) => e.event !== e.payload?.table)) {
        violations.push({ where: where('socket.io'), problem: `events ${JSON.stringify(s.socket.events.map((e) => e.event))}` });
      }
      for (const [feed, received] of [
        ['packageUpdated', s.all.received],
        ['packageUpdated(trackingId)', s.one.received],
        ['changes', s.changes.received],
        ['socket.io', s.socket.events],
      ] as const) {
        violations.push(...leaksOf(viewer, where(feed), { text: JSON.stringify(received), body: received }));
      }
      if (!ownOne && s.one.received.length > 0) violations.push({ where: where(`packageUpdated(${s.oneId})`), problem: 'delivered another tenant’s package' });
    }
    expect(violations).toEqual([]);
  });

  it('replays to each subscriber resuming after another tenant’s cursor exactly its own changes since then (graphql-ws and socket.io)', async () => {
    const violations: Violation[] = [];
    // The first change any subscriber saw, and one from the middle: cursors of some tenant's changes.
    const cursors = tenants().flatMap((t) => live.get(t)!.changes.received.map((c) => c.id as string));
    const sorted = [...cursors].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    for (const after of [sorted[0], draw.pick(sorted)]) {
      const owner = tenants().find((t) => live.get(t)!.changes.received.some((c) => c.id === after))!;
      for (const viewer of draw.shuffle(tenants())) {
        const key = keyOf(viewer);
        const s = live.get(viewer)!;
        const expected = {
          packageUpdated: s.all.received.map((u) => u.cursor as string).filter((c) => before(after, c)).sort(),
          changes: s.changes.received.map((c) => c.id as string).filter((c) => before(after, c)).sort(),
          socket: socketChanges(s.socket).map((c) => c.id as string).filter((c) => before(after, c)).sort(),
        };
        const packages = subscribe<PackageUpdate>(platform.urls.graphqlWs, key, 'subscription($after: String) { packageUpdated(after: $after) { trackingId carrier eventId cursor } }', { after });
        const changes = subscribe<Change>(platform.urls.graphqlWs, key, 'subscription($after: String) { changes(after: $after) { id table data } }', { after });
        const socket = connectSocket(platform.urls.changeSink, { token: key, after });
        closers.push(() => packages.close(), () => changes.close(), () => socket.close());
        const where = (feed: string) => `${feed} after ${owner.name}'s cursor ${after} as ${viewer.name}`;
        const replayed = {
          packageUpdated: await eventually(async () => packages.received.map((u) => u.cursor as string), (c) => c.length >= expected.packageUpdated.length, { timeoutMs: 30_000 }),
          changes: await eventually(async () => changes.received.map((c) => c.id as string), (c) => c.length >= expected.changes.length, { timeoutMs: 30_000 }),
          socket: await eventually(async () => socketChanges(socket).map((c) => c.id as string), (c) => c.length >= expected.socket.length, { timeoutMs: 30_000 }),
        };
        for (const feed of ['packageUpdated', 'changes', 'socket'] as const) {
          const got = [...replayed[feed]].sort();
          if (JSON.stringify(got) !== JSON.stringify(expected[feed])) violations.push({ where: where(feed), problem: `replayed ${got.length} changes ${JSON.stringify(got)}, its own since then are ${JSON.stringify(expected[feed])}` });
        }
        for (const change of [...changes.received, ...socketChanges(socket)]) if (change.data?.tenant_id !== viewer.id) violations.push({ where: where('changes'), problem: `delivered ${JSON.stringify(change)}` });
        for (const update of packages.received) if (update.carrier !== `dhl-${viewer.marker}`) violations.push({ where: where('packageUpdated'), problem: `delivered ${JSON.stringify(update)}` });
        violations.push(...leaksOf(viewer, where('replay'), { text: JSON.stringify([packages.received, changes.received, socket.events]), body: [packages.received, changes.received] }, [after]));
        await Promise.all([packages.close(), changes.close()]);
        socket.close();
      }
    }
    expect(violations).toEqual([]);
  });

  it('answers the change-sink’s viewer query with the key’s own tenant', async () => {
    for (const viewer of tenants()) {
      const answer = await call(platform, 'changeSink', 'POST', '/graphql', keyOf(viewer), { query: '{ viewer { tenantId userId } }' });
      expect({ viewer: viewer.name, data: answer.body.data }).toEqual({ viewer: viewer.name, data: { viewer: { tenantId: viewer.id, userId: null } } });
    }
  });

  it('runs every read command of the CLI with every tenant’s keys: another tenant’s id fails as an unknown one, lists show own rows only', async () => {
    const violations: Violation[] = [];
    const unlisted: string[] = [];
    const env = (viewer: Tenant) => ({
      TRIBUTARY_URL: platform.urls.gateway,
      TRIBUTARY_WORKER_URL: platform.urls.worker,
      TRIBUTARY_EVENT_STORE_URL: platform.urls.eventStore,
      TRIBUTARY_API_KEY: keyOf(viewer),
    });
    const cli = (viewer: Tenant, argv: string[]) => run(argv, env(viewer), cliDir);
    const probes = new Probes();
    const codeOf = (result: CliResult) => (result.exitCode === 0 ? 'ok' : `${result.exitCode} ${JSON.parse(result.stderr).error?.code}`);
    const text = (result: CliResult) => ({ text: result.stdout + result.stderr, body: result.stdout ? JSON.parse(result.stdout) : undefined });
    const commands = (await run(['help'], {}, cliDir)).stdout
      .split('\n')
      .map((line) => /^ {2}tributary ([a-z-]+) ([a-z][a-z-]*)/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null && m[1] !== 'help')
      .map((m) => `${m[1]} ${m[2]}`);
    expect(commands.length).toBeGreaterThan(20);
    for (const command of draw.shuffle(commands)) {
      const rule = CLI_READS[command];
      if (!rule) {
        if (!CLI_WRITES.has(command.split(' ')[1])) unlisted.push(command);
        continue;
      }
      const argv = command.split(' ');
      for (const viewer of draw.shuffle(tenants())) {
        const as = `tributary ${command} as ${viewer.name}`;
        if (rule.admin) {
          const result = await cli(viewer, command === 'projections status' ? [...argv, 'package_status'] : argv);
          if (result.exitCode === 0) violations.push({ where: as, problem: `ran with a tenant key: ${result.stdout}` });
          violations.push(...leaksOf(viewer, as, text(result)));
          continue;
        }
        if (rule.option) {
          const [option, kind] = rule.option;
          const withId = (id: string) => (rule.positional ? [...argv, id] : [...argv, `--${option}`, id]);
          const unknown = await cli(viewer, withId(KINDS[kind].fresh()));
          if (unknown.exitCode === 0) violations.push({ where: `${as} (unknown id)`, problem: unknown.stdout });
          for (const id of sample(KINDS[kind].own(viewer), 2)) {
            const result = await cli(viewer, withId(id));
            if (result.exitCode !== 0) violations.push({ where: `${as} (own ${id})`, problem: result.stderr });
            violations.push(...leaksOf(viewer, `${as} (own ${id})`, text(result)));
          }
          for (const owner of others(viewer)) {
            for (const id of sample(foreignIds(kind, viewer, owner), 3)) {
              const result = await cli(viewer, withId(id));
              probes.count(command);
              const whose = `${as} ${rule.positional ? `<${option}>` : `--${option}`} ${owner.name}'s ${id}`;
              if (codeOf(result) !== codeOf(unknown)) violations.push({ where: whose, problem: `${codeOf(result)}, an unknown id ${codeOf(unknown)}` });
              violations.push(...leaksOf(viewer, whose, text(result), [id]));
            }
          }
          continue;
        }
        const listed = await cli(viewer, argv);
        if (listed.exitCode !== 0) violations.push({ where: as, problem: listed.stderr });
        violations.push(...leaksOf(viewer, as, text(listed)));
        for (const id of rule.list ? KINDS[rule.list].own(viewer) : []) {
          probes.count(command);
          if (!listed.stdout.includes(id)) violations.push({ where: as, problem: `does not list its own ${rule.list} ${id}` });
        }
        for (const [option, kind] of Object.entries(rule.filters ?? {})) {
          const unknown = await cli(viewer, [...argv, `--${option}`, KINDS[kind].fresh()]);
          for (const owner of others(viewer)) {
            for (const id of sample(foreignIds(kind, viewer, owner), 2)) {
              const result = await cli(viewer, [...argv, `--${option}`, id]);
              const whose = `${as} --${option} ${owner.name}'s ${id}`;
              if (codeOf(result) !== codeOf(unknown)) violations.push({ where: whose, problem: `${codeOf(result)}, an unknown id ${codeOf(unknown)}` });
              violations.push(...leaksOf(viewer, whose, text(result), [id]));
            }
          }
        }
      }
    }
    expect(unlisted).toEqual([]);
    expect(violations).toEqual([]);
    expect(probes.missing(Object.entries(CLI_READS).filter(([, r]) => !r.admin && !r.catalog).map(([command]) => command))).toEqual([]);
  });

  it('refuses every write naming another tenant’s record (in the path or the body) as one naming a record that exists nowhere, and changes nothing', async () => {
    const violations: Violation[] = [];
    const unlisted: string[] = [];
    const probes = new Probes();
    const before = await snapshot();
    for (const app of ['gateway', 'eventStore', 'changeSink', 'worker'] as const) {
      const openapi = (await call(platform, app, 'GET', '/docs-json')).body;
      for (const [path, operations] of Object.entries<Record<string, Operation>>(openapi.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          if (method === 'get' || !(operation.security ?? []).some((s: object) => 'bearer' in s)) continue;
          const route = `${app} ${method.toUpperCase()} ${path}`;
          const rule = WRITES[route];
          if (!rule) unlisted.push(route);
          if (!rule || rule.creates) continue;
          for (const viewer of draw.shuffle(tenants())) {
            const send = (request: WriteCase) => call(platform, app, request.method ?? method.toUpperCase(), request.path, viewer.keys[0], request.body ?? (method === 'delete' ? undefined : {}));
            if (rule.admin) {
              // Other tenants' ids: the admin routes name tenants (and their integrations).
              const owner = draw.pick(others(viewer));
              const answer = await send({ path: path.replace('{tenantId}', owner.id).replace('{integrationId}', owner.integrations[0]).replace('{name}', 'package_status'), body: rule.admin });
              if (!(answer.status === 403 && errorCode(answer) === 'admin_required')) violations.push({ where: `${route} as ${viewer.name}`, problem: `a tenant key got ${describeAnswer(answer)}` });
              violations.push(...leaksOf(viewer, `${route} as ${viewer.name}`, answer, [owner.id, owner.integrations[0]]));
              continue;
            }
            for (const [kind, request] of rule.cases ?? []) {
              const unknownId = KINDS[kind].fresh();
              const unknown = await send(request(unknownId, viewer));
              // Valid but for the record it names: an unknown one is not found (an unused event id is simply taken).
              if (unknown.status !== (kind === 'event' ? 201 : 404)) violations.push({ where: `${route} as ${viewer.name} with an unknown ${kind}`, problem: `answered ${unknown.status} ${unknown.text}` });
              for (const owner of others(viewer)) {
                for (const id of sample(foreignIds(kind, viewer, owner), 3)) {
                  const answer = await send(request(id, viewer));
                  probes.count(route);
                  const where = `${route} as ${viewer.name} with ${owner.name}'s ${kind} ${id}`;
                  if (!sameRefusal(answer, unknown)) violations.push({ where, problem: `answered ${answer.status} ${answer.text}, an unknown ${kind} ${describeAnswer(unknown)}` });
                  else if (answer.status >= 400 && (!isErrorBody(answer) || !Object.keys(operation.responses ?? {}).includes(String(answer.status)))) {
                    violations.push({ where, problem: `refused outside the contract: ${answer.status} ${answer.text}` });
                  }
                  violations.push(...leaksOf(viewer, where, answer, id.split('/')));
                }
              }
            }
          }
        }
      }
    }
    expect(unlisted).toEqual([]);
    expect(violations).toEqual([]);
    expect(probes.missing(Object.entries(WRITES).filter(([, r]) => r.cases && !r.ownedElsewhere).map(([route]) => route))).toEqual([]);
    // Nothing of any tenant changed: its records read back as before.
    expect(await snapshot()).toEqual(before);
  });

  /** Each tenant's records as the admin sees them (the tenant's own reads are under test). */
  async function snapshot(): Promise<Record<string, unknown>> {
    const view: Record<string, unknown> = {};
    for (const t of tenants()) {
      const owner = (app: AppName, path: string) => call(platform, app, 'GET', path, t.keys[0]).then((a) => a.body);
      view[t.name] = {
        users: await owner('gateway', '/v1/users?limit=100'),
        keys: await owner('gateway', '/v1/api-keys?limit=100'),
        apps: await owner('gateway', '/v1/apps?limit=100'),
        integrations: await owner('gateway', '/v1/integrations?limit=100'),
        webhooks: await owner('gateway', '/v1/webhooks?limit=100'),
        secrets: await Promise.all(t.webhooks.map((w) => owner('gateway', `/v1/webhooks/${w.id}/secrets`))),
        deployments: await owner('worker', '/v1/deployments'),
        actions: await owner('worker', '/v1/actions'),
        schedules: await owner('worker', '/v1/schedules'),
        deadLetters: await owner('worker', '/v1/dead-letters?limit=500&status=dead'),
        runs: (await owner('worker', '/v1/runs?limit=500')).items.map((r: { id: string }) => r.id).sort(),
        events: (await allEvents(t.keys[0])).filter((id) => t.settled.events.includes(id)).length,
      };
    }
    return view;
  }

  it('takes an event id another tenant’s event has like an unused one, and each tenant reads its own event by it (pinned: a global constraint answered 409 event_id_conflict)', async () => {
    const [mine, theirs] = draw.some(tenants(), 2, 2);
    // An id only theirs has: an earlier case may have probed writes of mine with their ids (its own events now).
    let eventId: string | undefined;
    for (const candidate of draw.shuffle(theirs.settled.events)) {
      if ((await call(platform, 'eventStore', 'GET', `/v1/events/${candidate}`, mine.keys[0])).status === 404) {
        eventId = candidate;
        break;
      }
    }
    if (!eventId) throw new Error(`every event id of ${theirs.name} is also one of ${mine.name}'s`);
    const append = await call(platform, 'eventStore', 'POST', `/v1/streams/pinned-${mine.marker}/events`, mine.keys[0], {
      events: [{ eventId, type: 'tracking.package.state-changed', data: { ...STATE_CHANGE, carrier: `pinned-${mine.marker}` } }],
    });
    expect({ status: append.status, appended: append.body?.appended }).toEqual({ status: 201, appended: true });
    const read = async (t: Tenant) => (await call(platform, 'eventStore', 'GET', `/v1/events/${eventId}`, t.keys[0])).body;
    expect((await read(mine)).data.carrier).toBe(`pinned-${mine.marker}`);
    expect(JSON.stringify(await read(theirs))).not.toContain(mine.marker);
    expect((await read(theirs)).eventId).toBe(eventId);
  });

  it('gives each tenant ids of its own: what one tenant made never turns up in another tenant’s lists', () => {
    const kinds: Kind[] = ['user', 'apiKey', 'app', 'integration', 'webhook', 'event', 'deadLetter', 'deployment', 'action', 'run'];
    for (const kind of kinds) {
      const owners = new Map<string, string>();
      for (const t of tenants()) {
        expect({ kind, tenant: t.name, some: KINDS[kind].own(t).length > 0 }).toEqual({ kind, tenant: t.name, some: true });
        for (const id of KINDS[kind].own(t)) {
          expect({ kind, id, alsoListedFor: owners.get(id) }).toEqual({ kind, id, alsoListedFor: undefined });
          owners.set(id, t.name);
        }
      }
    }
    // The scenario shares natural keys: some tracking, stream, build and project id is used by two tenants.
    for (const kind of ['package', 'stream', 'build', 'project'] as const) {
      const ids = tenants().flatMap((t) => KINDS[kind].own(t));
      expect({ kind, shared: new Set(ids).size < ids.length }).toEqual({ kind, shared: true });
    }
  });
});
