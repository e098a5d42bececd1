import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '@tributary/config';
import { ApiRootConfig, loadApiRootConfig } from '../../apps/api-root/src/api-root.config.js';
import { loadChangeSinkConfig } from '../../apps/change-sink/src/change-sink.config.js';
import { bindMounts, compose, composeText, createdTables, dotEnv, envOf, service } from './compose.js';
import { APP_NAMES, APPS, configVariables, interpolate, requiredVariables } from './ops-fixtures.js';
import { effective, effectiveEnv, execForm, parseDockerfile, stageChain } from './dockerfile.js';

const root = process.cwd();
const dockerDir = join(root, 'docker');
const { globalArgs, stages } = parseDockerfile(join(dockerDir, 'Dockerfile'));
const instructionsOf = (app: string) => stageChain(stages, app).flatMap((s) => s.instructions);
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<'dependencies' | 'devDependencies' | 'optionalDependencies', Record<string, string>> & { engines: { node: string } };
const dockerignore = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

describe('the Dockerfile (docker/Dockerfile)', () => {
  it('builds in one stage and runs on production dependencies only, as a non-root user', () => {
    const build = stages.find((s) => s.instructions.some((i) => i.keyword === 'RUN' && i.args.includes('npm run build')));
    expect(build?.name).toBe('build');
    for (const app of APP_NAMES) {
      const chain = stageChain(stages, app);
      expect(chain.map((s) => s.name)).not.toContain(build!.name);
      const runs = instructionsOf(app).filter((i) => i.keyword === 'RUN').map((i) => i.args);
      expect(runs.some((r) => /\bnpm ci\b.*--omit=dev/.test(r))).toBe(true);
      expect(runs.filter((r) => /\bnpm (ci|install)\b/.test(r) && !r.includes('--omit=dev'))).toEqual([]);
      const user = effective(chain, 'USER');
      expect(user).toMatch(/^\d+(:\d+)?$/);
      expect(Number(user!.split(':')[0])).toBeGreaterThan(0);
      // The runtime base is the image the build used (same Node).
      expect(chain[0].from).toBe(build!.from);
    }
  });

  it("gives each app a target that starts the app's entry point on its own port, /metrics and /docs on an internal one, with a HEALTHCHECK on /health/live", () => {
    const script = readFileSync(join(dockerDir, 'healthcheck.mjs'), 'utf8');
    expect(script).toContain('/health/live');
    for (const app of APP_NAMES) {
      const chain = stageChain(stages, app);
      const defaultPort = new APPS[app].config().PORT;
      expect(execForm(effective(chain, 'CMD')!)).toEqual(['node', `dist/apps/${app}/main.js`]);
      expect(effectiveEnv(chain).PORT).toBe(String(defaultPort));
      // The image keeps the operator routes off the port a `docker run -p` publishes first.
      const config = loadConfig(APPS[app].config, { ...effectiveEnv(chain), DATABASE_URL: 'postgres://x@db/test', TRIBUTARY_SIGNING_KEY: 'k', TRIBUTARY_ENCRYPTION_KEY: 'k' });
      expect(config.INTERNAL_PORT).toEqual(expect.any(Number));
      expect(effective(chain, 'EXPOSE')).toBe(`${defaultPort} ${config.INTERNAL_PORT}`);
      const healthcheck = effective(chain, 'HEALTHCHECK')!;
      expect(healthcheck).toMatch(/--start-period=\d+s/);
      expect(execForm(healthcheck)).toEqual(['node', 'docker/healthcheck.mjs']);
      // The healthcheck script is in the image, and the app's compiled code is copied from the build.
      const copies = instructionsOf(app).filter((i) => i.keyword === 'COPY').map((i) => i.args);
      expect(copies).toContain('docker/healthcheck.mjs ./docker/healthcheck.mjs');
      expect(copies).toContain(`--from=build /src/dist/apps/${app} ./dist/apps/${app}`);
      expect(effective(chain, 'STOPSIGNAL')).toBe('SIGTERM');
    }
  });

  it('gives the composed API (api-root) a target of its own: production dependencies, non-root, its port, a HEALTHCHECK, no internal port', () => {
    const chain = stageChain(stages, 'api-root');
    const runs = instructionsOf('api-root').filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs.some((r) => /\bnpm ci\b.*--omit=dev/.test(r))).toBe(true);
    expect(Number(effective(chain, 'USER')!.split(':')[0])).toBeGreaterThan(0);
    expect(execForm(effective(chain, 'CMD')!)).toEqual(['node', 'dist/apps/api-root/main.js']);
    const config = loadApiRootConfig(effectiveEnv(chain));
    expect(config.PORT).toBe(new ApiRootConfig().PORT);
    expect(effective(chain, 'EXPOSE')).toBe(String(config.PORT));
    expect(execForm(effective(chain, 'HEALTHCHECK')!)).toEqual(['node', 'docker/healthcheck.mjs']);
    expect(instructionsOf('api-root').filter((i) => i.keyword === 'COPY').map((i) => i.args)).toContain('--from=build /src/dist/apps/api-root ./dist/apps/api-root');
    expect(effective(chain, 'STOPSIGNAL')).toBe('SIGTERM');
  });

  it('builds every stage on Node 24 LTS, slim, pinned to an exact release, the one .ci/run runs the unit tier on', () => {
    const bases = stages.filter((s) => !stages.some((earlier) => earlier.name === s.from)).map((s) => interpolateArgs(s.from));
    expect(bases.length).toBeGreaterThan(0);
    expect(new Set(bases).size).toBe(1);
    const [, version, major] = /^node:((\d+)\.\d+\.\d+)-[a-z]+-slim$/.exec(bases[0]) ?? [];
    expect({ base: bases[0], version, major }).toEqual({ base: expect.stringMatching(/^node:\d+\.\d+\.\d+-[a-z]+-slim$/), version: expect.any(String), major: '24' });
    // The images' Node is one that `engines` admits (its floor is what the full suite runs on).
    const floor = /^>=(\d+)(?:\.\d+)*$/.exec(packageJson.engines.node)!;
    expect(Number(major)).toBeGreaterThanOrEqual(Number(floor[1]));
    // CI runs the unit tier on the same release, from the registry's `node` package.
    const ci = readFileSync(join(root, '.ci/run'), 'utf8');
    expect([...ci.matchAll(/npx -y -p node@(\S+?)\s/g)].map((m) => m[1])).toEqual([version]);
  });

  it('keeps PGlite (the embedded database) out of the production images', () => {
    // The runtime stages install with `npm ci --omit=dev` (checked above), and PGlite is a dev dependency:
    // nothing that `--omit=dev` installs, as package-lock.json resolves it, is PGlite or needs it.
    const pglite = /^@electric-sql\/pglite/;
    expect(Object.keys(packageJson.dependencies ?? {}).filter((d) => pglite.test(d))).toEqual([]);
    expect(Object.keys(packageJson.optionalDependencies ?? {}).filter((d) => pglite.test(d))).toEqual([]);
    expect(Object.keys(packageJson.devDependencies).filter((d) => pglite.test(d)).sort()).toEqual(['@electric-sql/pglite', '@electric-sql/pglite-socket']);
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; dependencies?: Record<string, string> }> };
    const production = Object.entries(lock.packages).filter(([path, entry]) => path !== '' && !entry.dev);
    expect(production.length).toBeGreaterThan(0);
    expect(production.filter(([path, entry]) => pglite.test(path.replace(/^.*node_modules\//, '')) || Object.keys(entry.dependencies ?? {}).some((d) => pglite.test(d)))).toEqual([]);
    // No later step of a runtime stage installs it again.
    for (const app of [...APP_NAMES, 'api-root']) {
      const runs = instructionsOf(app).filter((i) => i.keyword === 'RUN').map((i) => i.args);
      expect({ app, installs: runs.filter((r) => /pglite|npm (i|install|add)\b/.test(r)) }).toEqual({ app, installs: [] });
    }
    // The code in the images loads PGlite only when the embedded mode starts (never at import), so that an
    // app without it still starts: no static import outside type positions, one lazy import.
    const sources = [...APP_NAMES, 'api-root'].map((app) => join(root, 'apps', app, 'src')).concat(readdirSync(join(root, 'libs')).filter((l) => l !== 'testing').map((l) => join(root, 'libs', l, 'src')));
    const loads = sources.flatMap((dir) => tsFiles(dir)).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      const statics = [...text.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'(@electric-sql\/pglite[^']*)'/gm)].map((m) => `static ${m[1]}`);
      const lazy = [...text.matchAll(/\bimport\('(@electric-sql\/pglite[^']*)'\)/g)].map((m) => `lazy ${m[1]}`);
      return [...statics, ...lazy].map((load) => `${relative(root, file)}: ${load}`);
    });
    expect(loads.sort()).toEqual([
      'libs/database/src/embedded-postgres.ts: lazy @electric-sql/pglite',
      'libs/database/src/embedded-postgres.ts: lazy @electric-sql/pglite-socket',
    ]);
  });

  it('copies only what exists in the repository and is not excluded from the build context', () => {
    const sources = stages
      .flatMap((s) => s.instructions)
      .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from='))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect({ source, exists: existsSync(join(root, source)) }).toEqual({ source, exists: true });
      expect({ source, ignored: dockerignore.includes(source.split('/')[0]) }).toEqual({ source, ignored: false });
    }
    for (const heavy of ['node_modules', 'dist', '.git', 'docker/.env']) expect(dockerignore).toContain(heavy);
  });
});

describe('the compose file (docker/compose.yaml)', () => {
  it('runs Kafka in KRaft mode from the official image, PostgreSQL, MariaDB and Redis, each with a health check', () => {
    const kafka = service('kafka');
    expect(kafka.image).toMatch(/^apache\/kafka:\d+\.\d+\.\d+$/);
    expect(kafka.environment.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(Object.keys(compose.services).filter((s) => /zookeeper/i.test(s))).toEqual([]);
    expect(service('postgres').image).toMatch(/^postgres:\d+/);
    expect(service('mariadb').image).toMatch(/^mariadb:\d+/);
    expect(service('redis').image).toMatch(/^redis:\d+\.\d+\.\d+$/);
    for (const name of ['kafka', 'postgres', 'mariadb', 'redis']) expect(service(name).healthcheck.test.length).toBeGreaterThan(0);
  });

  it('gives the gateway its rate limits in the Redis service, with the password that Redis requires', () => {
    const redis = service('redis');
    const gateway = service('gateway');
    const url = new URL(envOf(gateway).REDIS_URL);
    const requirepass = redis.command[redis.command.indexOf('--requirepass') + 1];
    expect(redis.command[0]).toBe('redis-server');
    expect([url.protocol, url.hostname, url.port, decodeURIComponent(url.password)]).toEqual(['redis:', 'redis', '6379', requirepass]);
    expect(requirepass.length).toBeGreaterThan(0);
    // The health check's redis-cli authenticates as the gateway does.
    expect(redis.environment.REDISCLI_AUTH).toBe(requirepass);
    expect(gateway.depends_on.redis).toEqual({ condition: 'service_healthy' });
    // Redis is for the gateway only, and is not published on the host.
    expect(redis.ports).toBeUndefined();
    for (const app of APP_NAMES.filter((a) => a !== 'gateway')) expect({ app, redis: envOf(service(app)).REDIS_URL }).toEqual({ app, redis: undefined });
  });

  it("builds each app from its Dockerfile target and sets only variables of the app's config, every required one", () => {
    for (const app of APP_NAMES) {
      const s = service(app);
      expect(resolve(dockerDir, s.build.context)).toBe(root);
      expect(s.build.dockerfile).toBe('docker/Dockerfile');
      expect(s.build.target).toBe(app);
      expect(stages.map((x) => x.name)).toContain(app);
      const env = envOf(s);
      const type = APPS[app].config;
      expect({ app, unknown: Object.keys(env).filter((v) => !configVariables(type).includes(v)) }).toEqual({ app, unknown: [] });
      expect(requiredVariables(type, env).filter((v) => !(v in env))).toEqual([]);
      expect(() => loadConfig(type, env)).not.toThrow();
    }
  });

  it('wires the apps to the PostgreSQL and Kafka services it runs', () => {
    const postgres = service('postgres').environment;
    for (const app of APP_NAMES) {
      const env = envOf(service(app));
      const url = new URL(env.DATABASE_URL);
      expect([url.hostname, url.port || '5432', decodeURIComponent(url.username), decodeURIComponent(url.password), url.pathname.slice(1)]).toEqual([
        'postgres',
        '5432',
        postgres.POSTGRES_USER,
        postgres.POSTGRES_PASSWORD,
        postgres.POSTGRES_DB,
      ]);
      if (!APPS[app].kafka) continue;
      expect(env.TRIBUTARY_TRANSPORT).toBe('kafka');
      expect(service('kafka').environment.KAFKA_ADVERTISED_LISTENERS).toContain(`PLAINTEXT://${env.KAFKA_BROKERS}`);
    }
    // Every app that signs or verifies messages shares one key.
    const keys = new Set(APP_NAMES.filter((a) => APPS[a].kafka).map((a) => envOf(service(a)).TRIBUTARY_SIGNING_KEY));
    expect(keys.size).toBe(1);
  });

  it("wires the change-sink to the MariaDB service and the demo table its init script creates", () => {
    const mariadb = service('mariadb');
    const sink = envOf(service('change-sink'));
    const config = loadChangeSinkConfig(sink);
    expect(config.mysql).toEqual({
      host: 'mariadb',
      port: 3306,
      user: mariadb.environment.MARIADB_USER,
      password: mariadb.environment.MARIADB_PASSWORD,
      database: mariadb.environment.MARIADB_DATABASE,
    });
    expect(service('change-sink').depends_on.mariadb).toEqual({ condition: 'service_healthy' });
    // The init script is mounted where the image runs it (into MARIADB_DATABASE), and creates every
    // captured table with the tenant column; what start-up then checks against the live database is
    // proven by test/ops/compose-mariadb.int-spec.ts.
    const scripts = bindMounts(mariadb).filter((m) => m.target.startsWith('/docker-entrypoint-initdb.d/'));
    expect(scripts.length).toBeGreaterThan(0);
    const created = new Map(scripts.flatMap((m) => [...createdTables(readFileSync(m.source, 'utf8'))]));
    expect(config.tableNames.length).toBeGreaterThan(0);
    for (const table of config.tableNames) {
      expect({ table, columns: created.get(table) }).toEqual({ table, columns: expect.arrayContaining([config.TENANT_COLUMN!]) });
    }
    expect(created.has(config.MYSQL_TABLE_TARGET)).toBe(false);
  });

  it('migrates each app and creates the topics before the apps start, and the apps do not migrate themselves', () => {
    for (const app of APP_NAMES) {
      const s = service(app);
      const migrate = service(`migrate-${app}`);
      expect(migrate.image).toBe(s.image);
      expect(migrate.command).toEqual(['node', `dist/apps/${app}/main.js`, 'migrate']);
      expect(migrate.restart).toBe('no');
      expect(envOf(migrate)).toEqual(envOf(s));
      expect(s.depends_on[`migrate-${app}`]).toEqual({ condition: 'service_completed_successfully' });
      if (APPS[app].kafka) expect(s.depends_on['kafka-topics']).toEqual({ condition: 'service_completed_successfully' });
      expect(loadConfig(APPS[app].config, envOf(s)).MIGRATE_ON_START).toBe(false);
    }
    const topics = service('kafka-topics');
    expect(topics.command.slice(1)).toEqual([`dist/apps/gateway/main.js`, 'kafka-topics']);
    expect(topics.depends_on.kafka).toEqual({ condition: 'service_healthy' });
  });

  it("publishes each app's port and its internal port (/metrics, /docs) on the loopback only, and waits longer than the app's drain before killing it", () => {
    for (const app of APP_NAMES) {
      const s = service(app);
      const config = loadConfig(APPS[app].config, envOf(s));
      expect(config.INTERNAL_PORT).toEqual(expect.any(Number));
      expect(s.ports).toEqual([`127.0.0.1:${config.PORT}:${config.PORT}`, `127.0.0.1:${config.INTERNAL_PORT}:${config.INTERNAL_PORT}`]);
      const grace = /^(\d+)s$/.exec(s.stop_grace_period)!;
      expect(Number(grace[1]) * 1000).toBeGreaterThan(config.SHUTDOWN_TIMEOUT_MS);
    }
  });

  it('runs the composed API (api-root) from its target, on the apps’ services and their internal ports for the documents, on the loopback only', () => {
    const s = service('api-root');
    expect(s.build.target).toBe('api-root');
    const env = envOf(s);
    expect({ unknown: Object.keys(env).filter((v) => !configVariables(ApiRootConfig).includes(v)) }).toEqual({ unknown: [] });
    const config = loadApiRootConfig(env);
    const portOf = (app: (typeof APP_NAMES)[number]) => loadConfig(APPS[app].config, envOf(service(app)));
    const pairs: [string, string | undefined, (typeof APP_NAMES)[number]][] = [
      [config.GATEWAY_URL, config.GATEWAY_DOCS_URL, 'gateway'],
      [config.EVENT_STORE_URL, config.EVENT_STORE_DOCS_URL, 'event-store'],
      [config.CHANGE_SINK_URL, config.CHANGE_SINK_DOCS_URL, 'change-sink'],
      [config.WORKER_URL, config.WORKER_DOCS_URL, 'integration-worker'],
    ];
    for (const [url, docsUrl, app] of pairs) {
      expect({ app, url, docsUrl }).toEqual({ app, url: `http://${app}:${portOf(app).PORT}`, docsUrl: `http://${app}:${portOf(app).INTERNAL_PORT}` });
      expect(s.depends_on[app]).toEqual({ condition: 'service_started' });
    }
    expect(s.ports).toEqual([`127.0.0.1:${config.PORT}:${config.PORT}`]);
    expect(Number(/^(\d+)s$/.exec(s.stop_grace_period)![1]) * 1000).toBeGreaterThan(config.SHUTDOWN_TIMEOUT_MS);
  });

  it("sends the apps' traces over OTLP to an OpenTelemetry Collector, which forwards them to Jaeger (the viewer, on the loopback)", () => {
    const collector = service('otel-collector');
    expect(collector.image).toMatch(/^otel\/opentelemetry-collector-contrib:\d+\.\d+\.\d+$/);
    const [mount] = bindMounts(collector);
    expect(mount.target).toBe('/etc/otelcol-contrib/config.yaml');
    const config = parse(readFileSync(mount.source, 'utf8')) as {
      receivers: { otlp: { protocols: { http: { endpoint: string } } } };
      exporters: Record<string, { endpoint: string }>;
      service: { pipelines: { traces: { receivers: string[]; exporters: string[] } } };
    };
    const httpPort = config.receivers.otlp.protocols.http.endpoint.split(':').pop();
    expect(config.service.pipelines.traces.receivers).toEqual(['otlp']);
    expect(config.service.pipelines.traces.exporters.map((e) => config.exporters[e].endpoint)).toEqual(['jaeger:4317']);
    const jaeger = service('jaeger');
    expect(jaeger.image).toMatch(/^jaegertracing\/jaeger:\d+\.\d+\.\d+$/);
    expect(jaeger.ports).toEqual(['127.0.0.1:16686:16686']);
    for (const app of APP_NAMES) {
      const tracing = (loadConfig(APPS[app].config, envOf(service(app))) as { tracing(app: string): { endpoint?: string; serviceName: string } }).tracing(app);
      expect({ app, tracing }).toEqual({ app, tracing: expect.objectContaining({ endpoint: `http://otel-collector:${httpPort}`, serviceName: `tributary-${app}` }) });
    }
    // Set empty in docker/.env, tracing is off.
    const off = parse(interpolate(composeText, { ...dotEnv, OTEL_EXPORTER_OTLP_ENDPOINT: '' }), { merge: true }) as typeof compose;
    expect(loadConfig(APPS.gateway.config, envOf(off.services.gateway)) as { OTEL_EXPORTER_OTLP_ENDPOINT?: string }).toMatchObject({ OTEL_EXPORTER_OTLP_ENDPOINT: undefined });
  });

  it('refuses to start without the keys instead of running with made-up ones', () => {
    for (const key of ['TRIBUTARY_SIGNING_KEY', 'TRIBUTARY_ENCRYPTION_KEY', 'TRIBUTARY_ADMIN_KEY']) {
      const { [key]: _, ...without } = dotEnv;
      expect(() => interpolate(composeText, without)).toThrow(key);
    }
  });
});

function interpolateArgs(text: string): string {
  return text.replace(/\$\{(\w+)\}/g, (_, name: string) => globalArgs[name] ?? '');
}

/** The non-test TypeScript files under a folder. */
function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return path.endsWith('.ts') && !/\.(int-|e2e-)?spec\.ts$/.test(path) ? [path] : [];
  });
}
