import { join } from 'node:path';
import { loadConfig } from '@tributary/config';
import { WorkerConfig } from '../../apps/integration-worker/src/worker.config.js';
import { APP_NAMES, APPS, configVariables, containerEnv, guaranteedEnv, mainContainer, requiredVariables, type AppName } from './ops-fixtures.js';
import { parseDockerfile, effective, execForm, stageChain } from './dockerfile.js';
import { containersOf, kubectlKustomize, kustomize, podSpecOf, type Resource } from './kustomize.js';
import { admits, type Source } from './network-policy.js';
import { GatewayConfig } from '../../apps/gateway/src/gateway.config.js';
import { ApiRootConfig, loadApiRootConfig } from '../../apps/api-root/src/api-root.config.js';
import type { Json } from '../support/json.js';

const root = process.cwd();
const OVERLAYS = ['dev', 'prod'] as const;
const rendered = Object.fromEntries(OVERLAYS.map((o) => [o, kustomize(join(root, 'k8s', 'overlays', o))])) as Record<(typeof OVERLAYS)[number], Resource[]>;

const one = (resources: Resource[], kind: string, name: string): Resource => {
  const found = resources.filter((r) => r.kind === kind && r.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0];
};
const spec = (r: Resource) => r.spec as Record<string, Json>;
const appOf = (r: Resource) => r.metadata.labels?.['app.kubernetes.io/name'] as AppName;
/** The namespace labels the policies admit: the ingress controller's and Prometheus's (docs/deploy.md). */
const INGRESS_LABEL = 'tributary.io/ingress';
const MONITORING_LABEL = 'tributary.io/monitoring';
/** An nginx size (`2m`, `512k`, `1048576`) in bytes. */
const bytes = (size: string) => {
  const [, digits, unit] = /^(\d+)([kmg])?$/i.exec(size)!;
  return Number(digits) * { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(unit ?? '').toLowerCase() as '' | 'k' | 'm' | 'g'];
};
/** The composed API (k8s/base/api-root.yaml): a deployable beside the apps, with no database and no internal port. */
const API_ROOT = 'api-root';
const jobsOf = (resources: Resource[], component: string) =>
  resources.filter((r) => r.kind === 'Job' && r.metadata.labels?.['app.kubernetes.io/component'] === component);

describe('the Kubernetes manifests (k8s/, kustomize)', () => {
  it('render the same with kubectl kustomize as with the test renderer', () => {
    for (const overlay of OVERLAYS) {
      const byKubectl = kubectlKustomize(join(root, 'k8s', 'overlays', overlay));
      if (!byKubectl) {
        console.warn('kubectl not installed: the test renderer alone reads the overlays');
        return;
      }
      const key = (r: Resource) => `${r.kind}/${r.metadata.namespace ?? ''}/${r.metadata.name}`;
      const sorted = (rs: Resource[]) => [...rs].sort((a, b) => key(a).localeCompare(key(b)));
      expect(sorted(rendered[overlay])).toEqual(sorted(byKubectl));
    }
  });

  describe.each(OVERLAYS)('overlay %s', (overlay) => {
    const resources = rendered[overlay];

    it('gives every app a Deployment, Service, ServiceAccount and PodDisruptionBudget, and the worker and change-sink an autoscaler', () => {
      for (const app of APP_NAMES) {
        const deployment = one(resources, 'Deployment', app);
        const labels = spec(deployment).template.metadata.labels;
        expect(spec(deployment).selector.matchLabels).toEqual({ 'app.kubernetes.io/name': app });
        expect(labels['app.kubernetes.io/name']).toBe(app);
        expect(podSpecOf(deployment)!.serviceAccountName).toBe(one(resources, 'ServiceAccount', app).metadata.name);
        expect(spec(one(resources, 'Service', app)).selector).toEqual({ 'app.kubernetes.io/name': app });
        expect(spec(one(resources, 'PodDisruptionBudget', app)).selector.matchLabels).toEqual({ 'app.kubernetes.io/name': app });
        const hpa = resources.filter((r) => r.kind === 'HorizontalPodAutoscaler' && spec(r).scaleTargetRef.name === app);
        expect(hpa.length).toBe(APPS[app].autoscaled ? 1 : 0);
        // An autoscaled Deployment leaves its replica count to the autoscaler (an apply would fight it).
        if (APPS[app].autoscaled) expect(spec(deployment).replicas).toBeUndefined();
      }
    });

    it('runs a migrations Job per app and a Job creating the Kafka topics, with the apps’ images and commands', () => {
      const migrations = jobsOf(resources, 'migrations');
      expect(migrations.map(appOf).sort()).toEqual([...APP_NAMES].sort());
      for (const job of migrations) {
        const app = appOf(job);
        expect(mainContainer(job).image).toBe(mainContainer(one(resources, 'Deployment', app)).image);
        expect(mainContainer(job).args).toEqual(['node', `dist/apps/${app}/main.js`, 'migrate']);
        expect(podSpecOf(job)!.restartPolicy).toBe('Never');
      }
      const [topics, ...more] = jobsOf(resources, 'kafka-topics');
      expect(more).toEqual([]);
      const app = appOf(topics);
      expect(APPS[app].kafka).toBe(true);
      expect(mainContainer(topics).args).toEqual(['node', `dist/apps/${app}/main.js`, 'kafka-topics']);
    });

    it("sets only variables each app's config reads, references every one of them, and every required one for sure", () => {
      const workloads = resources.filter((r) => ['Deployment', 'Job'].includes(r.kind) && appOf(r) in APPS);
      expect(workloads.length).toBe(APP_NAMES.length * 2 + 1);
      for (const workload of workloads) {
        const type = APPS[appOf(workload)].config;
        const where = `${workload.kind} ${workload.metadata.name} (${overlay})`;
        const env = containerEnv(mainContainer(workload), resources);
        const schema = configVariables(type);
        expect({ where, unknown: [...env.keys()].filter((v) => !schema.includes(v)) }).toEqual({ where, unknown: [] });
        expect({ where, unreferenced: schema.filter((v) => !env.has(v)) }).toEqual({ where, unreferenced: [] });
        const sure = guaranteedEnv(env);
        const required = requiredVariables(type, sure);
        expect(required).toContain('DATABASE_URL');
        expect({ where, requiredButOptional: required.filter((v) => !(v in sure)) }).toEqual({ where, requiredButOptional: [] });
        // The values themselves pass the app's validation (ports, URLs, broker lists, flags).
        expect(() => loadConfig(type, sure)).not.toThrow();
      }
    });

    it('exposes the ports each app listens on, probes its health routes on the public one, and announces /metrics on the internal one', () => {
      for (const app of APP_NAMES) {
        const deployment = one(resources, 'Deployment', app);
        const container = mainContainer(deployment);
        const config = loadConfig(APPS[app].config, guaranteedEnv(containerEnv(container, resources)));
        // With INTERNAL_PORT set the public port answers /metrics and /docs 404 (test/ops/internal-port.int-spec.ts).
        expect({ app, internalPort: config.INTERNAL_PORT }).toEqual({ app, internalPort: expect.any(Number) });
        expect(config.INTERNAL_PORT).not.toBe(config.PORT);
        expect(container.ports).toEqual([
          { name: 'http', containerPort: config.PORT, protocol: 'TCP' },
          { name: 'internal', containerPort: config.INTERNAL_PORT, protocol: 'TCP' },
        ]);
        expect(spec(one(resources, 'Service', app)).ports).toEqual([{ name: 'http', port: config.PORT, targetPort: 'http', protocol: 'TCP' }]);
        const internal = one(resources, 'Service', `${app}-internal`);
        expect(spec(internal).selector).toEqual({ 'app.kubernetes.io/name': app });
        expect(spec(internal).ports).toEqual([{ name: 'internal', port: config.INTERNAL_PORT, targetPort: 'internal', protocol: 'TCP' }]);
        expect(container.startupProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
        expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
        expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
        expect(spec(deployment).template.metadata.annotations).toMatchObject({
          'prometheus.io/scrape': 'true',
          'prometheus.io/port': String(config.INTERNAL_PORT),
          'prometheus.io/path': '/metrics',
        });
      }
    });

    it("gives each app a grace period covering the preStop pause and the app's own drain", () => {
      for (const app of APP_NAMES) {
        const deployment = one(resources, 'Deployment', app);
        const container = mainContainer(deployment);
        const config = loadConfig(APPS[app].config, guaranteedEnv(containerEnv(container, resources)));
        const [sleep, seconds] = container.lifecycle.preStop.exec.command;
        expect(sleep).toBe('sleep');
        const needed = Number(seconds) + config.SHUTDOWN_TIMEOUT_MS / 1000;
        expect(podSpecOf(deployment)!.terminationGracePeriodSeconds).toBeGreaterThan(needed);
      }
    });

    it('runs every container as a non-root user without privilege escalation, with resource requests and limits', () => {
      const workloads = resources.filter((r) => ['Deployment', 'Job'].includes(r.kind) && appOf(r) in APPS);
      for (const workload of workloads) {
        const pod = podSpecOf(workload)!;
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
        expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
        expect(pod.automountServiceAccountToken).toBe(false);
        for (const container of containersOf(workload)) {
          expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
          expect(container.resources.requests).toEqual({ cpu: expect.anything(), memory: expect.anything() });
          expect(container.resources.limits).toEqual({ cpu: expect.anything(), memory: expect.anything() });
        }
      }
    });

    it('runs the image and command the Dockerfile builds for each app, as the user the image declares', () => {
      const { stages } = parseDockerfile(join(root, 'docker', 'Dockerfile'));
      for (const app of APP_NAMES) {
        const deployment = one(resources, 'Deployment', app);
        const container = mainContainer(deployment);
        const chain = stageChain(stages, app);
        expect(container.args).toEqual(execForm(effective(chain, 'CMD')!));
        expect(container.image).toMatch(new RegExp(`(^|/)tributary/${app}(:[\\w.-]+)?$`));
        expect(String(podSpecOf(deployment)!.securityContext.runAsUser)).toBe(effective(chain, 'USER')!.split(':')[0]);
      }
    });

    it("lets each app's HTTP port be reached only through the ingress controller, and its internal port only from monitoring", () => {
      const policies = resources.filter((r) => r.kind === 'NetworkPolicy');
      const namespace = one(resources, 'Deployment', 'gateway').metadata.namespace!;
      const ingressController = { namespace: 'ingress-nginx', namespaceLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx', [INGRESS_LABEL]: 'true' }, podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } };
      const monitoring = { namespace: 'monitoring', namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring', [MONITORING_LABEL]: 'true' }, podLabels: { app: 'prometheus' } };
      const otherNamespace = { namespace: 'team-x', namespaceLabels: { 'kubernetes.io/metadata.name': 'team-x' }, podLabels: { app: 'anything' } };
      const namespaceLabels = { 'kubernetes.io/metadata.name': namespace, ...(resources.find((r) => r.kind === 'Namespace')?.metadata.labels ?? {}) };
      const podsHere = resources
        .filter((r) => podSpecOf(r))
        .map((r) => ({ namespace, namespaceLabels, podLabels: (spec(r).template ?? spec(r).jobTemplate.spec.template).metadata?.labels ?? {} }));
      expect(podsHere.length).toBeGreaterThanOrEqual(APP_NAMES.length);
      expect(podsHere.filter((p) => p.podLabels['app.kubernetes.io/name'] === API_ROOT).length).toBe(1);
      for (const app of APP_NAMES) {
        const deployment = one(resources, 'Deployment', app);
        const container = mainContainer(deployment);
        const portNamed = (name: string) => container.ports.find((p: { name: string }) => p.name === name);
        const [http, internal] = [portNamed('http'), portNamed('internal')];
        const target = (port: { number: number; name?: string }) => ({ namespace, labels: spec(deployment).template.metadata.labels, port });
        const httpPort = target({ number: http.containerPort, name: http.name });
        const internalPort = target({ number: internal.containerPort, name: internal.name });
        expect({ app, fromIngressController: admits(policies, ingressController, httpPort) }).toEqual({ app, fromIngressController: true });
        expect({ app, scraped: admits(policies, monitoring, internalPort) }).toEqual({ app, scraped: true });
        // The ingress controller never reaches /metrics or /docs, and monitoring needs nothing else.
        expect({ app, internalFromIngressController: admits(policies, ingressController, internalPort) }).toEqual({ app, internalFromIngressController: false });
        expect({ app, httpFromMonitoring: admits(policies, monitoring, httpPort) }).toEqual({ app, httpFromMonitoring: false });
        // Only those ports, and from nowhere else: not from outside the cluster past the ingress, not
        // from other namespaces, not from the other pods of this one (the apps never call each other).
        expect({ app, otherPort: admits(policies, ingressController, target({ number: 9229 })) }).toEqual({ app, otherPort: false });
        for (const port of [httpPort, internalPort]) {
          const where = { app, port: port.port.name };
          expect({ ...where, external: admits(policies, { external: true }, port) }).toEqual({ ...where, external: false });
          expect({ ...where, otherNamespace: admits(policies, otherNamespace, port) }).toEqual({ ...where, otherNamespace: false });
          // The composed API's pods alone (api-root.yaml): they pass requests on, and read the apps' OpenAPI documents.
          for (const pod of podsHere) {
            const composer = pod.podLabels['app.kubernetes.io/name'] === API_ROOT;
            expect({ ...where, from: pod.podLabels, admitted: admits(policies, pod, port) }).toEqual({ ...where, from: pod.podLabels, admitted: composer });
          }
        }
      }
    });

    it('routes no Ingress to an internal port: every backend is an app’s public port, which does not serve /metrics or /docs', () => {
      const ingresses = resources.filter((r) => r.kind === 'Ingress');
      const backends = ingresses.flatMap((i) => [
        ...(spec(i).defaultBackend ? [spec(i).defaultBackend] : []),
        ...spec(i).rules.flatMap((rule: Json) => rule.http.paths.map((p: Json) => p.backend)),
      ]);
      expect(backends.length).toBeGreaterThanOrEqual(APP_NAMES.length);
      for (const backend of backends) {
        // The Service's port, then the pod port it targets (by name or number), then what listens there.
        const service = one(resources, 'Service', backend.service.name);
        const servicePort = spec(service).ports.find((p: { name: string; port: number }) => p.name === backend.service.port.name || p.port === backend.service.port.number);
        expect({ backend, servicePort: servicePort !== undefined }).toEqual({ backend, servicePort: true });
        const deployment = resources.find((r) => r.kind === 'Deployment' && Object.entries(spec(service).selector).every(([k, v]) => spec(r).template.metadata.labels[k] === v))!;
        const app = appOf(deployment);
        const container = mainContainer(deployment);
        const containerPort = container.ports.find((p: { name: string; containerPort: number }) => p.name === servicePort.targetPort || p.containerPort === servicePort.targetPort);
        if ((app as string) === API_ROOT) {
          // The composed API has one port, and no /metrics or /docs of its own to keep off it.
          const root = loadApiRootConfig(guaranteedEnv(containerEnv(container, resources)));
          expect({ backend, port: containerPort?.containerPort }).toEqual({ backend, port: root.PORT });
          continue;
        }
        const config = loadConfig(APPS[app].config, guaranteedEnv(containerEnv(container, resources)));
        expect({ backend, app, port: containerPort?.containerPort }).toEqual({ backend, app, port: config.PORT });
        expect({ backend, app, internalPort: config.INTERNAL_PORT }).toEqual({ backend, app, internalPort: expect.any(Number) });
        expect(config.INTERNAL_PORT).not.toBe(containerPort.containerPort);
      }
    });

    it('gives the gateway replicas one Redis for their rate limits wherever there is more than one replica, reached by the gateway alone', () => {
      const gateway = one(resources, 'Deployment', 'gateway');
      const replicas = spec(gateway).replicas ?? 1;
      const env = containerEnv(mainContainer(gateway), resources);
      const redisUrl = env.get('REDIS_URL')!;
      if (overlay === 'dev') {
        // One gateway limits alone correctly; the dev overlay runs no Redis.
        expect(replicas).toBe(1);
        return;
      }
      expect(replicas).toBeGreaterThan(1);
      // For sure: a missing Secret key stops the pod from starting rather than letting each replica limit alone.
      expect(redisUrl).toMatchObject({ from: 'secret', optional: false });
      const urlRef = mainContainer(gateway).env.find((e: { name: string }) => e.name === 'REDIS_URL').valueFrom.secretKeyRef;
      // The gateway's config then sees it set (a secret's placeholder stands for its value).
      expect(guaranteedEnv(env)).toHaveProperty('REDIS_URL', expect.stringMatching(/.+/));
      // The Redis in the overlay takes its password from the Secret that holds the gateway's URL.
      const redis = one(resources, 'Deployment', 'redis');
      const server = mainContainer(redis);
      const password = server.env.find((e: { name: string }) => e.name === 'REDIS_PASSWORD').valueFrom.secretKeyRef;
      expect(password).toEqual({ name: urlRef.name, key: 'REDIS_PASSWORD' });
      expect(server.args.slice(server.args.indexOf('--requirepass'), server.args.indexOf('--requirepass') + 2)).toEqual(['--requirepass', '$(REDIS_PASSWORD)']);
      expect(server.image).toMatch(/^redis:\d+\.\d+\.\d+$/);
      const [redisPort] = server.ports;
      const service = one(resources, 'Service', 'redis');
      expect(spec(service).selector).toEqual(spec(redis).selector.matchLabels);
      expect(spec(service).ports).toEqual([{ name: redisPort.name, port: redisPort.containerPort, targetPort: redisPort.name, protocol: 'TCP' }]);
      // Hardened like the apps.
      expect(podSpecOf(redis)!.securityContext).toMatchObject({ runAsNonRoot: true });
      expect(podSpecOf(redis)!.automountServiceAccountToken).toBe(false);
      expect(server.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });

      // Reached by the gateway's pods, and by nothing else.
      const policies = resources.filter((r) => r.kind === 'NetworkPolicy');
      const namespace = gateway.metadata.namespace!;
      const namespaceLabels = { 'kubernetes.io/metadata.name': namespace };
      const target = { namespace, labels: spec(redis).template.metadata.labels, port: { number: redisPort.containerPort, name: redisPort.name } };
      const podOf = (r: Resource) => ({ namespace, namespaceLabels, podLabels: (spec(r).template ?? spec(r).jobTemplate.spec.template).metadata.labels });
      expect(admits(policies, podOf(gateway), target)).toBe(true);
      const others = resources.filter((r) => podSpecOf(r) && r !== gateway && r !== redis);
      expect(others.map(appOf)).toEqual(expect.arrayContaining(['gateway', 'event-store', 'change-sink', 'integration-worker']));
      for (const other of others) expect({ from: `${other.kind}/${other.metadata.name}`, admitted: admits(policies, podOf(other), target) }).toEqual({ from: `${other.kind}/${other.metadata.name}`, admitted: false });
      const outsiders: Source[] = [
        { external: true },
        { namespace: 'ingress-nginx', namespaceLabels: { [INGRESS_LABEL]: 'true' }, podLabels: {} },
        { namespace: 'monitoring', namespaceLabels: { [MONITORING_LABEL]: 'true' }, podLabels: {} },
        { namespace: 'team-x', namespaceLabels: {}, podLabels: { 'app.kubernetes.io/name': 'gateway', 'app.kubernetes.io/component': 'server' } },
      ];
      for (const outsider of outsiders) expect({ outsider, admitted: admits(policies, outsider, target) }).toEqual({ outsider, admitted: false });
    });

    it('routes one host per app to its Service, the gateway host being the PUBLIC_URL it hands out', () => {
      const ingresses = resources.filter((r) => r.kind === 'Ingress');
      const hosts = new Map<string, AppName>();
      for (const app of APP_NAMES) {
        const routed = ingresses.filter((i) => spec(i).rules.some((rule: Json) => rule.http.paths.some((p: Json) => p.backend.service.name === app)));
        expect({ app, ingresses: routed.length }).toEqual({ app, ingresses: 1 });
        const [ingress] = routed;
        const service = one(resources, 'Service', app);
        for (const rule of spec(ingress).rules) {
          expect(hosts.has(rule.host)).toBe(false);
          hosts.set(rule.host, app);
          for (const path of rule.http.paths) {
            expect(path.backend.service.name).toBe(app);
            expect(spec(service).ports.map((p: { name: string }) => p.name)).toContain(path.backend.service.port.name);
            expect([path.path, path.pathType]).toEqual(['/', 'Prefix']);
          }
        }
        expect(spec(ingress).ingressClassName).toEqual(expect.any(String));
        // TLS, where there is any, covers exactly the Ingress's hosts.
        for (const tls of spec(ingress).tls ?? []) expect(tls.hosts).toEqual(spec(ingress).rules.map((r: { host: string }) => r.host));
      }
      const gateway = one(resources, 'Deployment', 'gateway');
      const config = loadConfig(GatewayConfig, guaranteedEnv(containerEnv(mainContainer(gateway), resources)));
      const publicUrl = new URL(config.PUBLIC_URL);
      const gatewayIngress = ingresses.find((i) => hosts.get(spec(i).rules[0].host) === 'gateway')!;
      const tls = (spec(gatewayIngress).tls ?? []).some((t: { hosts: string[] }) => t.hosts.includes(publicUrl.hostname));
      expect(hosts.get(publicUrl.hostname)).toBe('gateway');
      expect(publicUrl.protocol).toBe(tls ? 'https:' : 'http:');
      // ingress-nginx lets the gateway answer oversized deliveries itself (413 payload_too_large).
      expect(bytes(gatewayIngress.metadata.annotations!['nginx.ingress.kubernetes.io/proxy-body-size'])).toBeGreaterThan(config.bodyLimitBytes);
      // socket.io's polling transport needs its session on one replica when there are several.
      const changeSink = ingresses.find((i) => hosts.get(spec(i).rules[0].host) === 'change-sink')!;
      const hpa = resources.find((r) => r.kind === 'HorizontalPodAutoscaler' && spec(r).scaleTargetRef.name === 'change-sink')!;
      if (spec(hpa).maxReplicas > 1) expect(changeSink.metadata.annotations?.['nginx.ingress.kubernetes.io/affinity']).toBe('cookie');
    });

    it('runs the composed API (api-root) as its own small deployable: the image the Dockerfile builds, its config read whole, the apps at their Services, one host', () => {
      const deployment = one(resources, 'Deployment', API_ROOT);
      const container = mainContainer(deployment);
      const pod = podSpecOf(deployment)!;
      expect(pod.serviceAccountName).toBe(one(resources, 'ServiceAccount', API_ROOT).metadata.name);
      expect(spec(one(resources, 'PodDisruptionBudget', API_ROOT)).selector.matchLabels).toEqual({ 'app.kubernetes.io/name': API_ROOT });
      // Hardened like the apps.
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(container.resources.requests).toEqual({ cpu: expect.anything(), memory: expect.anything() });
      expect(container.resources.limits).toEqual({ cpu: expect.anything(), memory: expect.anything() });
      // The Dockerfile's target.
      const chain = stageChain(parseDockerfile(join(root, 'docker', 'Dockerfile')).stages, API_ROOT);
      expect(container.args).toEqual(execForm(effective(chain, 'CMD')!));
      expect(container.args).toEqual(['node', `dist/apps/${API_ROOT}/main.js`]);
      expect(String(pod.securityContext.runAsUser)).toBe(effective(chain, 'USER')!.split(':')[0]);
      // Every variable its config reads, and nothing else; no secret at all.
      const env = containerEnv(container, resources);
      const schema = configVariables(ApiRootConfig);
      expect({ unknown: [...env.keys()].filter((v) => !schema.includes(v)) }).toEqual({ unknown: [] });
      expect({ unreferenced: schema.filter((v) => !env.has(v)) }).toEqual({ unreferenced: [] });
      expect([...env.values()].filter((e) => e.from === 'secret')).toEqual([]);
      const config = loadApiRootConfig(guaranteedEnv(env));
      expect(container.ports).toEqual([{ name: 'http', containerPort: config.PORT, protocol: 'TCP' }]);
      expect(spec(one(resources, 'Service', API_ROOT)).ports).toEqual([{ name: 'http', port: config.PORT, targetPort: 'http', protocol: 'TCP' }]);
      expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(Number(container.lifecycle.preStop.exec.command[1]) + config.SHUTDOWN_TIMEOUT_MS / 1000);
      // Each app's URL is its Service's public port; each docs URL its internal Service's port.
      const serviceUrl = (name: string) => `http://${name}:${spec(one(resources, 'Service', name)).ports[0].port}`;
      const urls: [string, string, AppName][] = [
        [config.GATEWAY_URL, config.GATEWAY_DOCS_URL!, 'gateway'],
        [config.EVENT_STORE_URL, config.EVENT_STORE_DOCS_URL!, 'event-store'],
        [config.CHANGE_SINK_URL, config.CHANGE_SINK_DOCS_URL!, 'change-sink'],
        [config.WORKER_URL, config.WORKER_DOCS_URL!, 'integration-worker'],
      ];
      for (const [url, docsUrl, app] of urls) {
        expect({ app, url, docsUrl }).toEqual({ app, url: serviceUrl(app), docsUrl: serviceUrl(`${app}-internal`) });
      }
      // One host, its Service's port; reached from the ingress controller, never from monitoring or other namespaces.
      const ingresses = resources.filter((r) => r.kind === 'Ingress' && spec(r).rules.some((rule: Json) => rule.http.paths.some((p: Json) => p.backend.service.name === API_ROOT)));
      expect(ingresses.length).toBe(1);
      const policies = resources.filter((r) => r.kind === 'NetworkPolicy');
      const target = { namespace: deployment.metadata.namespace!, labels: spec(deployment).template.metadata.labels, port: { number: config.PORT, name: 'http' } };
      expect(admits(policies, { namespace: 'ingress-nginx', namespaceLabels: { [INGRESS_LABEL]: 'true' }, podLabels: {} }, target)).toBe(true);
      expect(admits(policies, { namespace: 'monitoring', namespaceLabels: { [MONITORING_LABEL]: 'true' }, podLabels: {} }, target)).toBe(false);
      expect(admits(policies, { namespace: 'team-x', namespaceLabels: {}, podLabels: { 'app.kubernetes.io/name': API_ROOT } }, target)).toBe(false);
      expect(admits(policies, { external: true }, target)).toBe(false);
    });

    it('never scales the worker past the partitions it shares', () => {
      const worker = one(resources, 'Deployment', 'integration-worker');
      const config = loadConfig(WorkerConfig, guaranteedEnv(containerEnv(mainContainer(worker), resources)));
      const hpa = resources.find((r) => r.kind === 'HorizontalPodAutoscaler' && spec(r).scaleTargetRef.name === 'integration-worker')!;
      expect(spec(hpa).maxReplicas).toBeLessThanOrEqual(config.KAFKA_PARTITIONS);
      expect(spec(hpa).minReplicas).toBeGreaterThanOrEqual(1);
    });
  });

  it('pins production images to a version and keeps the dev overlay on local images', () => {
    for (const container of rendered.prod.flatMap(containersOf)) expect(container.image).toMatch(/:\d+\.\d+\.\d+$/);
    for (const app of [...APP_NAMES, API_ROOT]) expect(mainContainer(one(rendered.dev, 'Deployment', app)).image).toBe(`tributary/${app}:local`);
  });
});
