import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';

// @nestjs/swagger's metadata keys (its DECORATORS constants, not exported through its index).
const SWAGGER_OPERATION = 'swagger/apiOperation';
const SWAGGER_EXCLUDE_ENDPOINT = 'swagger/apiExcludeEndpoint';
const SWAGGER_EXCLUDE_CONTROLLER = 'swagger/apiExcludeController';
import pg from 'pg';
import { connectSocket, createTestDatabase, eventually, readJson, type SocketClient, type TestDatabase } from '@tributary/testing';
import { ChangeSinkConfig } from '../../apps/change-sink/src/change-sink.config.js';
import { ChangeSocketGateway } from '../../apps/change-sink/src/socket/change-socket.gateway.js';
import { EventStoreConfig } from '../../apps/event-store/src/event-store.config.js';
import { GatewayConfig } from '../../apps/gateway/src/gateway.config.js';
import { WorkerConfig } from '../../apps/integration-worker/src/worker.config.js';
import { startPlatform, type RunningPlatform } from '../../apps/standalone/src/platform.js';
import { loadStandaloneConfig } from '../../apps/standalone/src/standalone.config.js';

/**
 * docs/api-map.md against the running platform (the standalone process: the four apps exactly as
 * they run apart, on their own ports): every app's OpenAPI routes, the key each route wants, the
 * HTTP routes outside OpenAPI (and that no other app serves them), every GraphQL endpoint's root
 * fields, and the socket.io events. A route, field or event added without the page fails here.
 * And, from the code alone, each route's `use case` folder: the folder of the controller that
 * declares it (Nest's route metadata), or for a route no controller declares, a folder that serves it.
 */

type AppName = 'gateway' | 'event-store' | 'change-sink' | 'integration-worker';
const APPS: Record<AppName, { port: number; url: (p: RunningPlatform) => string }> = {
  gateway: { port: new GatewayConfig().PORT, url: (p) => p.urls.gateway },
  'event-store': { port: new EventStoreConfig().PORT, url: (p) => p.urls.eventStore },
  'change-sink': { port: new ChangeSinkConfig().PORT, url: (p) => p.urls.changeSink },
  'integration-worker': { port: new WorkerConfig().PORT, url: (p) => p.urls.worker },
};
const APP_NAMES = Object.keys(APPS) as AppName[];
const API_KEYS = ['tenant', 'admin'] as const;

interface Route {
  readonly methods: string[];
  readonly path: string;
  /** `—`, `tenant`, `admin`, `tenant, admin`, `signature`, `SECURITY_TOKEN` */
  readonly key: string;
  /** The `use case` cell: for each method, in order, the folder that serves it (relative to the repository, ending in `/`). */
  readonly useCases: string[];
}
interface Section {
  port?: number;
  rest: Route[];
  other: Route[];
  graphql: { path: string; ws: boolean; roots: Record<string, string[]> }[];
  socket: { direction: string; event: string }[];
}

/** The page, read by its headings and tables (a table's columns by its header row). */
function parseApiMap(text: string): Map<AppName | 'every', Section> {
  const sections = new Map<AppName | 'every', Section>();
  for (const chunk of text.split(/^## /m).slice(1)) {
    const heading = chunk.slice(0, chunk.indexOf('\n'));
    const app = /^Every app/.test(heading) ? 'every' : (/^([a-z-]+) — port (\d+)$/.exec(heading) ?? [])[1];
    if (!app) continue;
    const section: Section = { port: Number(/port (\d+)/.exec(heading)?.[1]) || undefined, rest: [], other: [], graphql: [], socket: [] };
    // Text before the first ### is the section's REST table (the "Every app" section has one).
    for (const [index, part] of chunk.split(/^### /m).entries()) {
      const title = part.slice(0, part.indexOf('\n'));
      const [header = [], ...rows] = part
        .split('\n')
        .filter((l) => l.startsWith('|') && !/^\|\s*-/.test(l))
        .map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
      const cell = (row: string[], column: string) => row[header.indexOf(column)] ?? '';
      const ticked = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
      const routes = () =>
        rows.map((row) => ({ methods: ticked(cell(row, 'methods')), path: ticked(cell(row, 'path'))[0], key: cell(row, 'key'), useCases: ticked(cell(row, 'use case')) }));
      if ((index === 0 && app === 'every') || title.startsWith('REST')) section.rest.push(...routes());
      else if (title.startsWith('Other HTTP')) section.other.push(...routes());
      else if (title.startsWith('GraphQL')) {
        section.graphql.push({ path: ticked(title)[0], ws: title.includes('graphql-ws'), roots: Object.fromEntries(rows.map((row) => [cell(row, 'root'), ticked(cell(row, 'fields'))])) });
      } else if (title.startsWith('socket.io')) section.socket.push(...rows.map((row) => ({ direction: cell(row, 'direction'), event: ticked(cell(row, 'event'))[0] })));
    }
    sections.set(app as AppName | 'every', section);
  }
  return sections;
}

const doc = parseApiMap(readFileSync(join(process.cwd(), 'docs/api-map.md'), 'utf8'));
const sectionOf = (app: AppName) => doc.get(app)!;
const every = doc.get('every')!;
/** A path with its parameters filled in (a well-formed id that exists nowhere). */
const concrete = (path: string) => path.replace(/\{[^}]+\}/g, '0190f3b4-0000-7000-8000-000000000000');
const keysOf = (key: string) => key.split(',').map((k) => k.trim());
const API_KEY_ROUTE = (key: string) => keysOf(key).every((k) => (API_KEYS as readonly string[]).includes(k));

interface Answer {
  status: number;
  code?: string;
}

describe('docs/api-map.md', () => {
  let home: string;
  let database: TestDatabase;
  let platform: RunningPlatform;
  let tenant: { id: string; apiKey: string };
  /** A webhook of the tenant: an unknown id is answered 404 whatever the signature (nothing tells which ids exist). */
  let webhookId: string;
  const sockets: SocketClient[] = [];

  const call = async (app: AppName, method: string, path: string, key?: string, body?: unknown): Promise<Answer> => {
    const response = await fetch(`${APPS[app].url(platform)}${path}`, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let code: string | undefined;
    try {
      code = JSON.parse(text)?.error?.code;
    } catch {
      code = undefined;
    }
    return { status: response.status, code };
  };
  const keyOf = (kind: (typeof API_KEYS)[number]) => (kind === 'admin' ? platform.adminKey : tenant.apiKey);

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'tributary-api-map-'));
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
    const created = await fetch(`${platform.urls.gateway}/v1/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${platform.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'api-map' }),
    });
    tenant = await readJson(created);
    const webhook = await fetch(`${platform.urls.gateway}/v1/tenants/${tenant.id}/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${platform.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ topic: 'tracking.carrier-update.received' }),
    });
    webhookId = (await readJson(webhook)).id;
  });

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await platform?.stop();
    await database?.drop();
    rmSync(home, { recursive: true, force: true });
  });

  it('has a section per app, on the port the app listens on by default', () => {
    expect([...doc.keys()].sort()).toEqual([...APP_NAMES, 'every'].sort());
    for (const app of APP_NAMES) expect({ app, port: sectionOf(app).port }).toEqual({ app, port: APPS[app].port });
  });

  it.each(APP_NAMES)("lists exactly the routes of %s's OpenAPI document, with their methods", async (app) => {
    const openapi = await readJson(await fetch(`${APPS[app].url(platform)}/docs-json`));
    const served = Object.entries(openapi.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const documented = [...every.rest, ...sectionOf(app).rest].flatMap((r) => r.methods.map((m) => `${m} ${r.path}`));
    expect(documented.sort()).toEqual(served.sort());
  });

  it.each(APP_NAMES)("says which key each of %s's routes wants, as its OpenAPI document and its answers do", async (app) => {
    const openapi = await readJson(await fetch(`${APPS[app].url(platform)}/docs-json`));
    for (const route of [...every.rest, ...sectionOf(app).rest]) {
      const keys = keysOf(route.key);
      for (const method of route.methods) {
        const where = `${method} ${route.path} (${route.key})`;
        const operation = openapi.paths[route.path][method.toLowerCase()];
        const path = route.key === 'signature' ? route.path.replace('{webhookId}', webhookId) : concrete(route.path);
        const body = ['GET', 'HEAD', 'DELETE'].includes(method) ? undefined : {};
        expect({ where, bearer: Boolean(operation.security?.some((s: object) => 'bearer' in s)) }).toEqual({ where, bearer: API_KEY_ROUTE(route.key) });
        const anonymous = await call(app, method, path, undefined, body);
        if (API_KEY_ROUTE(route.key)) expect({ where, status: anonymous.status }).toEqual({ where, status: 401 });
        else if (route.key === 'signature') expect({ where, anonymous }).toEqual({ where, anonymous: { status: 401, code: expect.stringMatching(/^signature_/) } });
        else expect({ where, anonymous: anonymous.status }).not.toEqual({ where, anonymous: 401 });
        if (!API_KEY_ROUTE(route.key)) continue;
        for (const kind of API_KEYS) {
          const answer = await call(app, method, path, keyOf(kind), body);
          // A refusal for the kind of key names the kind wanted: it must be the page's.
          if (answer.code === 'tenant_required') expect({ where, kind, keys }).toEqual({ where, kind, keys: ['tenant'] });
          if (answer.code === 'admin_required') expect({ where, kind, keys }).toEqual({ where, kind, keys: ['admin'] });
          if (!keys.includes(kind)) expect({ where, kind, refused: answer.status >= 400 }).toEqual({ where, kind, refused: true });
          else expect({ where, kind, code: answer.code }).not.toEqual({ where, kind, code: expect.stringMatching(/^(tenant|admin)_required$/) });
        }
      }
    }
  });

  it('serves the routes outside OpenAPI where the page says, and nowhere else', async () => {
    const probe = async (app: AppName, route: Route, method: string) => {
      if (route.path.endsWith('/graphql')) return call(app, method, route.path, undefined, { query: '{ __typename }' });
      if (route.path.startsWith('/socket.io')) return call(app, method, `${route.path}?EIO=4&transport=polling`);
      return call(app, method, route.path);
    };
    const listed = [...new Set(APP_NAMES.flatMap((a) => sectionOf(a).other.map((r) => r.path)))];
    expect(listed.length).toBeGreaterThan(0);
    for (const app of APP_NAMES) {
      const own = [...every.other, ...sectionOf(app).other];
      for (const route of own) {
        for (const method of route.methods) {
          const answer = await probe(app, route, method);
          const where = `${app}: ${method} ${route.path}`;
          expect({ where, found: answer.status !== 404 }).toEqual({ where, found: true });
          if (route.key === '—') expect({ where, status: answer.status }).toEqual({ where, status: 200 });
        }
      }
      for (const path of listed.filter((p) => !own.some((r) => r.path === p))) {
        const route = APP_NAMES.flatMap((a) => sectionOf(a).other).find((r) => r.path === path)!;
        const answer = await probe(app, route, route.methods[0]);
        expect({ app, path, status: answer.status }).toEqual({ app, path, status: 404 });
      }
    }
  });

  it('lists exactly the root fields of every GraphQL endpoint', async () => {
    const endpoints = APP_NAMES.flatMap((app) => sectionOf(app).graphql.map((g) => ({ app, ...g })));
    expect(endpoints.map((e) => `${e.app} ${e.path}`).sort()).toEqual(['change-sink /graphql', 'event-store /graphql', 'gateway /graphql', 'gateway /ui/graphql']);
    for (const endpoint of endpoints) {
      const response = await fetch(`${APPS[endpoint.app].url(platform)}${endpoint.path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __schema { queryType { fields { name } } mutationType { fields { name } } subscriptionType { fields { name } } } }' }),
      });
      const schema = (await readJson(response)).data.__schema;
      const fields = (root: { fields: { name: string }[] } | null) => (root ? root.fields.map((f) => f.name).sort() : undefined);
      const where = `${endpoint.app} ${endpoint.path}`;
      expect({ where, roots: endpoint.roots }).toEqual({
        where,
        roots: Object.fromEntries(
          Object.entries({ Query: fields(schema.queryType), Mutation: fields(schema.mutationType), Subscription: fields(schema.subscriptionType) }).filter(([, f]) => f),
        ),
      });
      // Subscriptions are served over graphql-ws: the heading says so exactly when there are some.
      expect({ where, ws: endpoint.ws }).toEqual({ where, ws: Boolean(schema.subscriptionType) });
    }
  });

  it('keeps each GraphQL endpoint to its own types, and its errors to a code without a stack trace', async () => {
    type TypeRef = { name: string | null; ofType: TypeRef | null };
    type Field = { type: TypeRef; args?: { type: TypeRef }[] };
    type FullType = { name: string; fields: Field[] | null; inputFields: Field[] | null };
    const ref = '{ name ofType { name ofType { name ofType { name } } } }';
    const query = `{ __schema { queryType { name } mutationType { name } subscriptionType { name } types { name fields { type ${ref} args { type ${ref} } } inputFields { type ${ref} } } } }`;
    for (const endpoint of APP_NAMES.flatMap((app) => sectionOf(app).graphql.map((g) => ({ app, ...g })))) {
      const post = (body: object) =>
        fetch(`${APPS[endpoint.app].url(platform)}${endpoint.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const schema = (await readJson(await post({ query }))).data.__schema;
      const types = new Map<string, FullType>((schema.types as FullType[]).filter((t) => !t.name.startsWith('__')).map((t) => [t.name, t]));
      // What the root fields reach: in the standalone process the other apps' types must not be listed.
      const reached = new Set<string>();
      const named = (t: TypeRef): string => (t.name ?? named(t.ofType!));
      const visit = (name: string) => {
        if (reached.has(name) || !types.has(name)) return;
        reached.add(name);
        const type = types.get(name)!;
        for (const field of [...(type.fields ?? []), ...(type.inputFields ?? [])]) {
          visit(named(field.type));
          for (const arg of field.args ?? []) visit(named(arg.type));
        }
      };
      [schema.queryType, schema.mutationType, schema.subscriptionType].filter(Boolean).forEach((root: { name: string }) => visit(root.name));
      ['String', 'Boolean'].forEach((builtIn) => reached.add(builtIn));
      const where = `${endpoint.app} ${endpoint.path}`;
      expect({ where, types: [...types.keys()].filter((t) => !reached.has(t)) }).toEqual({ where, types: [] });

      const refused = await readJson(await post({ query: '{ noSuchField }' }));
      expect({ where, errors: refused.errors }).toEqual({
        where,
        errors: [{ message: expect.any(String), locations: expect.anything(), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }],
      });
    }
  });

  it('lists the socket.io events the change-sink handles and sends', async () => {
    const socket = sectionOf('change-sink').socket;
    const handled = Object.getOwnPropertyNames(ChangeSocketGateway.prototype)
      .map((name) => Reflect.getMetadata('message', (ChangeSocketGateway.prototype as unknown as Record<string, object>)[name]))
      .filter(Boolean);
    expect(socket.filter((e) => e.direction === 'client → server').map((e) => e.event).sort()).toEqual(handled.sort());

    const refused = connectSocket(platform.urls.changeSink, { token: 'not-a-key' });
    const client = connectSocket(platform.urls.changeSink, { token: tenant.apiKey });
    sockets.push(refused, client);
    await expect(refused.ready).rejects.toEqual(expect.objectContaining({ code: 401 }));
    await client.ready;
    expect(await client.socket.emitWithAck('publish', { data: {}, type: 'insert', userId: '*', table: 'notes' })).toEqual(expect.objectContaining({ code: 403 }));
    // A row of the tenant's package projection, as the event store would write it.
    await eventually(async () => (await fetch(`${platform.urls.changeSink}/health/ready`)).status, (s) => s === 200, { timeoutMs: 30_000 });
    const sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
    await sql.query(
      `INSERT INTO event_store.package_status (tenant_id, tracking_id, status, carrier, carrier_status, updated_at, last_event_id, last_position)
       VALUES ($1, 'API-MAP-1', 'in_transit', 'dhl', 'In transit', now(), '0190f3b4-0000-7000-8000-000000000001', 1)`,
      [tenant.id],
    );
    await sql.end();
    await eventually(async () => client.of('changes').length, (n) => n === 1, { timeoutMs: 20_000 });
    const table = client.of('changes')[0].table;
    expect(table).toBe('event_store.package_status');
    const sent = new Set([...refused.events, ...client.events].map((e) => (e.event === table ? '<table>' : e.event)));
    expect(socket.filter((e) => e.direction === 'server → client').map((e) => e.event).sort()).toEqual([...sent].sort());
  });
});

/** A section of the page: an app, or `every` (the libs' routes, which every app serves). */
type SectionName = AppName | 'every';
const route = (section: SectionName, method: string, path: string) => `${section} ${method} ${path}`;

/** Every non-test TypeScript file under apps/ and libs/ that holds a Nest controller. */
function controllerFiles(): string[] {
  const root = process.cwd();
  return ['apps', 'libs']
    .flatMap((top) => (readdirSync(join(root, top), { recursive: true }) as string[]).map((file) => join(top, file)))
    .filter((file) => file.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(file) && !file.startsWith(join('libs', 'testing')))
    .filter((file) => file.endsWith('.controller.ts') || readFileSync(join(root, file), 'utf8').includes('@Controller('));
}

const joinPath = (...parts: string[]) => `/${parts.flatMap((p) => p.split('/')).filter(Boolean).join('/')}`.replace(/:(\w+)/g, '{$1}');
const asArray = (value: unknown): string[] => (Array.isArray(value) ? value : [value ?? '']).map(String);

/**
 * `<section> <METHOD> <path>` → the folder of the controller that declares the route, read from the
 * metadata Nest routes by (no app sets a global prefix or versioning). An app's controllers serve
 * that app; a lib's serve every app.
 */
async function declaredRoutes(): Promise<{ routes: Map<string, string>; duplicates: string[]; implicitIds: string[] }> {
  const routes = new Map<string, string>();
  const duplicates: string[] = [];
  const implicitIds: string[] = [];
  for (const file of controllerFiles()) {
    const [top, app] = file.split('/');
    // The composed API (apps/api-root) has its own section, checked by apps/api-root/src/api-root.int-spec.ts.
    if (top === 'apps' && app === 'api-root') continue;
    const section: SectionName | undefined = top === 'libs' ? 'every' : (APP_NAMES as string[]).includes(app) ? (app as AppName) : undefined;
    const module = (await import(join(process.cwd(), file))) as Record<string, unknown>;
    // A controller the file does not export could not be read: its routes would escape the page.
    const decorated = readFileSync(join(process.cwd(), file), 'utf8').match(/^\s*@(Get|Post|Put|Patch|Delete|Head|Options|All)\(/gm)?.length ?? 0;
    let found = 0;
    for (const controller of Object.values(module)) {
      if (typeof controller !== 'function' || !Reflect.hasOwnMetadata(PATH_METADATA, controller)) continue;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = name === 'constructor' ? undefined : Object.getOwnPropertyDescriptor(prototype, name)?.value;
        if (typeof handler !== 'function' || !Reflect.hasOwnMetadata(METHOD_METADATA, handler)) continue;
        const method = RequestMethod[Reflect.getOwnMetadata(METHOD_METADATA, handler) as RequestMethod];
        found += 1;
        if (publishedWithoutOperationId(controller, handler)) implicitIds.push(`${file}: ${controller.name}.${name}`);
        for (const base of asArray(Reflect.getOwnMetadata(PATH_METADATA, controller))) {
          for (const path of asArray(Reflect.getOwnMetadata(PATH_METADATA, handler))) {
            const key = route(section ?? 'every', method, joinPath(base, path));
            if (!section) duplicates.push(`${key}: ${file} belongs to no app of the page`);
            else if (routes.has(key) && routes.get(key) !== `${dirname(file)}/`) duplicates.push(`${key}: ${routes.get(key)} and ${dirname(file)}/`);
            else routes.set(key, `${dirname(file)}/`);
          }
        }
      }
    }
    if (found !== decorated) duplicates.push(`${file}: ${decorated} route decorators, ${found} routes on the controllers it exports`);
  }
  return { routes, duplicates, implicitIds };
}

/**
 * A route in the OpenAPI document whose operationId is not declared: Swagger would make one from the controller's
 * class and method names, so renaming a class would change the published API.
 */
function publishedWithoutOperationId(controller: object, handler: object): boolean {
  if (Reflect.getMetadata(SWAGGER_EXCLUDE_CONTROLLER, controller)?.[0] || Reflect.getMetadata(SWAGGER_EXCLUDE_ENDPOINT, handler)?.disable) {
    return false;
  }
  const operation = Reflect.getMetadata(SWAGGER_OPERATION, handler) as { operationId?: string } | undefined;
  return !operation?.operationId;
}

/**
 * Whether a folder serves a route no controller declares: one of its files (not tests) names the
 * path as a string (`'/webhooks/{webhookId}'`, `'docs'` for SwaggerModule's `/docs` and
 * `/docs-json`, `'socket.io'` for `/socket.io/`), or, for `/graphql`, configures a GraphQLModule
 * (Apollo's default path).
 */
function folderServes(folder: string, path: string): boolean {
  const dir = join(process.cwd(), folder);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return false;
  const texts = readdirSync(dir)
    .filter((file) => file.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(file))
    .map((file) => readFileSync(join(dir, file), 'utf8'));
  const literals = texts.flatMap((text) => [...text.matchAll(/'([^'\n]*)'|"([^"\n]*)"|`([^`]*)`/g)].map((m) => m[1] ?? m[2] ?? m[3]));
  const named = literals.some((literal) => {
    const l = literal.startsWith('/') ? literal : `/${literal}`;
    return path === l || path === `${l}/` || path.startsWith(`${l}-`);
  });
  return named || (path === '/graphql' && texts.some((text) => text.includes('GraphQLModule.for')));
}

/** The page's HTTP routes, one per method, with the folder the page names for it (`<app>` in an "Every app" folder: each app's). */
function documentedRoutes(page: Map<SectionName, Section>) {
  return [...page.entries()].flatMap(([section, { rest, other }]) =>
    [...rest, ...other].flatMap((r) =>
      r.methods.map((method, i) => ({ section, method, path: r.path, key: route(section, method, r.path), folder: r.useCases.length === r.methods.length ? r.useCases[i] : undefined })),
    ),
  );
}

/** What is wrong with the page's `use case` cells, given where the controllers declare their routes. */
function useCaseProblems(page: Map<SectionName, Section>, declared: Map<string, string>): string[] {
  const documented = documentedRoutes(page);
  const problems: string[] = [];
  for (const { section, key, path, folder } of documented) {
    if (!folder || !folder.endsWith('/') || folder.startsWith('/')) {
      problems.push(`${key}: the use case cell names no folder for it (one per method, relative, ending in /)`);
    } else if (declared.has(key)) {
      if (declared.get(key) !== folder) problems.push(`${key}: the page says ${folder}, its controller is in ${declared.get(key)}`);
    } else {
      const folders = section === 'every' && folder.includes('<app>') ? APP_NAMES.map((app) => folder.replace('<app>', app)) : [folder];
      for (const f of folders.filter((f) => !folderServes(f, path))) problems.push(`${key}: no controller declares it, and nothing in ${f} names ${path}`);
    }
  }
  const listed = new Set(documented.map((d) => d.key));
  for (const [key, folder] of declared) if (!listed.has(key)) problems.push(`${key}: declared in ${folder}, missing from the page`);
  return problems;
}

describe('docs/api-map.md use case folders', () => {
  let declared: Awaited<ReturnType<typeof declaredRoutes>>;

  beforeAll(async () => {
    declared = await declaredRoutes();
  });

  it('publishes every OpenAPI operation under an operationId its controller declares (not one derived from class names)', () => {
    expect(declared.implicitIds).toEqual([]);
  });

  it('reads the routes of every controller (each declared by one controller of one app, or of a lib)', () => {
    expect(declared.routes.size).toBeGreaterThan(50);
    expect(declared.duplicates).toEqual([]);
  });

  it("names, for each method of each HTTP route, the folder of the controller that declares it (or that serves it), and lists every controller's routes", () => {
    expect(useCaseProblems(doc, declared.routes)).toEqual([]);
  });

  it('finds a wrong folder and a route missing from the page', () => {
    const [key, folder] = [...declared.routes].find(([k]) => k.startsWith('gateway '))!;
    const [, method, path] = key.split(' ');
    const wrong = new Map<SectionName, Section>([['gateway', { rest: [{ methods: [method], path, key: 'tenant', useCases: ['apps/gateway/src/'] }], other: [], graphql: [], socket: [] }]]);
    const problems = useCaseProblems(wrong, new Map([[key, folder], [route('gateway', 'GET', '/v1/nowhere'), 'apps/gateway/src/nowhere/']]));
    expect(problems).toEqual([`${key}: the page says apps/gateway/src/, its controller is in ${folder}`, 'gateway GET /v1/nowhere: declared in apps/gateway/src/nowhere/, missing from the page']);
  });
});
