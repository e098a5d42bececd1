import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { freePort } from '@tributary/database';
import { allTopics } from '@tributary/topics';
import { createTestDatabase, readJson, startTestKafka, type TestDatabase, type TestKafka } from '@tributary/testing';
import { AppProcess } from '../support/app-process.js';
import { APP_NAMES, containerEnv, guaranteedEnv, mainContainer, type AppName } from './ops-fixtures.js';
import { kustomize, type Resource } from './kustomize.js';
import type { Json } from '../support/json.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a container's command (`node dist/apps/<app>/main.js …`) here, with the container's environment. */
function run(args: string[], env: Record<string, string>): Promise<Run> {
  const [node, ...rest] = args;
  expect(node).toBe('node');
  return new Promise((resolve) => {
    execFile(process.execPath, rest, { cwd: process.cwd(), env: { PATH: process.env.PATH ?? '', ...env }, timeout: 90_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * The manifests' commands and probes against the built apps: what the migrations and topics Jobs
 * run, and each Deployment's container started with the dev overlay's environment (only the
 * database, Kafka and ports swapped for the test ones), its probe paths called on the public port,
 * /metrics and /docs on the internal one that Prometheus is pointed at (and not on the public one), and
 * the image's HEALTHCHECK script run against it.
 */
describe('the container commands and probes of the manifests', () => {
  const resources = kustomize(join(process.cwd(), 'k8s', 'overlays', 'dev'));
  const workload = (kind: string, name: string) => resources.find((r) => r.kind === kind && r.metadata.name === name) as Resource;
  const appOf = (resource: Resource) => resource.metadata.labels?.['app.kubernetes.io/name'] as AppName;
  let db: TestDatabase;
  let broker: TestKafka;
  const apps = new Map<AppName, AppProcess>();
  /** Where each app's INTERNAL_PORT is in this test (the manifests' own may be taken on this machine). */
  const internalPorts = new Map<AppName, number>();

  /** The container's environment from the manifests, pointed at this test's database and Kafka. */
  const envFor = (resource: Resource): Record<string, string> => ({
    ...guaranteedEnv(containerEnv(mainContainer(resource), resources)),
    DATABASE_URL: db.url,
    TRIBUTARY_NOTIFY_URL: db.url,
    KAFKA_BROKERS: broker.brokers.join(','),
    LOG_LEVEL: 'warn',
    ...(internalPorts.has(appOf(resource)) ? { INTERNAL_PORT: String(internalPorts.get(appOf(resource))) } : {}),
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    broker = await startTestKafka();
    for (const app of APP_NAMES) internalPorts.set(app, await freePort());
  });

  afterAll(async () => {
    await Promise.all([...apps.values()].map((a) => a.stop()));
    await broker?.stop();
    await db?.drop();
  });

  it('refuses to start an app that must not migrate while its migrations are pending', async () => {
    const gateway = workload('Deployment', 'gateway');
    const env = envFor(gateway);
    expect(env.MIGRATE_ON_START).toBe('false');
    const started = await run(mainContainer(gateway).args, { ...env, PORT: String(await freePort()) });
    expect(started.code).toBe(1);
    expect(started.stderr).toMatch(/migration\(s\) pending .* MIGRATE_ON_START is off/);
  });

  it("migrates each app's schema with the migrations Job's command, once", async () => {
    for (const app of APP_NAMES) {
      const job = workload('Job', `${app}-migrate`);
      const first = await run(mainContainer(job).args, envFor(job));
      expect({ app, code: first.code, stderr: first.stderr }).toEqual({ app, code: 0, stderr: '' });
      expect(JSON.parse(first.stdout)).toMatchObject({ app, command: 'migrate', result: { applied: expect.any(Array) } });
      const again = await run(mainContainer(job).args, envFor(job));
      expect(JSON.parse(again.stdout).result.applied).toEqual([]);
    }
  });

  it("creates every topic of the registry with the topics Job's command", async () => {
    const job = workload('Job', 'kafka-topics');
    const first = await run(mainContainer(job).args, envFor(job));
    expect(first.code).toBe(0);
    const names = allTopics.map((t) => t.name).sort();
    expect(JSON.parse(first.stdout).result.topics.sort()).toEqual(names);
    const admin = new Kafka({ clientId: 'ops-test', brokers: broker.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      expect((await admin.listTopics()).filter((t) => names.includes(t)).sort()).toEqual(names);
      const metadata = await admin.fetchTopicMetadata({ topics: names });
      expect(metadata.topics.map((t) => t.partitions.length)).toEqual(names.map(() => Number(envFor(job).KAFKA_PARTITIONS)));
    } finally {
      await admin.disconnect();
    }
    const again = await run(mainContainer(job).args, envFor(job));
    expect(JSON.parse(again.stdout).result.created).toEqual([]);
  });

  it('starts each Deployment’s container, which answers its probes, /metrics and /docs on the internal port only, and the image’s HEALTHCHECK passes', async () => {
    for (const app of APP_NAMES) apps.set(app, new AppProcess(app, await freePort(), envFor(workload('Deployment', app))));
    await Promise.all([...apps.values()].map((a) => a.start()));
    for (const [app, process] of apps) {
      const deployment = workload('Deployment', app);
      const container = mainContainer(deployment);
      const probes = [container.startupProbe, container.livenessProbe, container.readinessProbe].map((p) => p.httpGet.path as string);
      for (const path of probes) {
        const response = await fetch(`${process.url}${path}`);
        expect({ app, path, status: response.status }).toEqual({ app, path, status: 200 });
        expect(await readJson(response)).toMatchObject({ status: 'ok' });
      }
      // Prometheus is pointed at the container's INTERNAL_PORT (here moved to a free port).
      const annotations = (deployment.spec as Json).template.metadata.annotations;
      expect(annotations['prometheus.io/port']).toBe(guaranteedEnv(containerEnv(container, resources)).INTERNAL_PORT);
      const internal = `http://127.0.0.1:${internalPorts.get(app)}`;
      const metrics = await fetch(`${internal}${annotations['prometheus.io/path']}`);
      expect({ app, metrics: metrics.status }).toEqual({ app, metrics: 200 });
      expect(await metrics.text()).toContain(`tributary_http_requests_total{method="GET",route="/health/live",status="200",app="${app}"}`);
      const openapi = await fetch(`${internal}/docs-json`);
      expect({ app, openapi: openapi.status }).toEqual({ app, openapi: 200 });
      expect(await readJson(openapi)).toMatchObject({ openapi: expect.any(String), info: { title: expect.stringContaining('Tributary') } });
      expect({ app, ui: (await fetch(`${internal}/docs`)).status }).toEqual({ app, ui: 200 });
      // The public port, the one the Ingress routes, has no such routes.
      for (const path of ['/metrics', '/docs', '/docs-json']) {
        const response = await fetch(`${process.url}${path}`);
        expect({ app, path, status: response.status, body: await readJson(response) }).toEqual({
          app,
          path,
          status: 404,
          body: { error: { code: 'route_not_found', message: `Cannot GET ${path}` }, traceId: expect.any(String) },
        });
      }
      const healthcheck = await run(['node', 'docker/healthcheck.mjs'], { PORT: String(process.port) });
      expect({ app, healthcheck: healthcheck.code }).toEqual({ app, healthcheck: 0 });
    }
  });

  it('fails the HEALTHCHECK once the app is gone, after a clean SIGTERM exit', async () => {
    const gateway = apps.get('gateway')!;
    expect(await gateway.stop('SIGTERM')).toBe(0);
    const healthcheck = await run(['node', 'docker/healthcheck.mjs'], { PORT: String(gateway.port) });
    expect(healthcheck.code).toBe(1);
  });
});
