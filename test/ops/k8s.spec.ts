import { join } from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { loadConfig } from '@tributary/config';
import { WorkerConfig } from '../../apps/integration-worker/src/worker.config.js';
import { APP_NAMES, APPS, configVariables, containerEnv, guaranteedEnv, mainContainer, requiredVariables, type AppName } from './ops-fixtures.js';
import { parseDockerfile, effective, execForm, stageChain } from './dockerfile.js';
import { containersOf, kubectlKustomize, kustomize, podSpecOf, type Resource } from './kustomize.js';
import { admits, allowsEgress, egressPoliciesOf, selects, type Destination, type Source } from './network-policy.js';
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

    it('routes the same hosts to the same Services and ports through Gateway API HTTPRoutes as through the Ingresses', () => {
      const servicePort = (name: string, port: { name?: string; number?: number }) => {
        const found = spec(one(resources, 'Service', name)).ports.find((p: { name: string; port: number }) => p.name === port.name || p.port === port.number);
        return found?.port as number | undefined;
      };
      const byIngress = resources
        .filter((r) => r.kind === 'Ingress')
        .flatMap((i) =>
          spec(i).rules.flatMap((rule: Json) =>
            rule.http.paths.map((p: Json) => ({ host: rule.host, path: p.path, service: p.backend.service.name, port: servicePort(p.backend.service.name, p.backend.service.port) })),
          ),
        );
      const routes = resources.filter((r) => r.kind === 'HTTPRoute');
      expect(routes.length).toBe(APP_NAMES.length + 1);
      const byRoute = routes.flatMap((r) => {
        expect(r.apiVersion).toBe('gateway.networking.k8s.io/v1');
        // Attached to a Gateway (the name an overlay may patch: docs/deploy.md).
        expect(spec(r).parentRefs.length).toBeGreaterThan(0);
        for (const parent of spec(r).parentRefs) {
          expect(parent.kind ?? 'Gateway').toBe('Gateway');
          expect(parent.group ?? 'gateway.networking.k8s.io').toBe('gateway.networking.k8s.io');
          expect(parent.name).toEqual(expect.stringMatching(/.+/));
        }
        return spec(r).hostnames.flatMap((host: string) =>
          spec(r).rules.flatMap((rule: Json) =>
            rule.matches.flatMap((match: Json) => {
              expect(match.path.type).toBe('PathPrefix');
              return rule.backendRefs.map((backend: Json) => {
                // A Service of the namespace, on a port it has (the public one: no internal Service is routed).
                expect([backend.group ?? '', backend.kind ?? 'Service', backend.namespace]).toEqual(['', 'Service', undefined]);
                expect({ backend, exists: servicePort(backend.name, { number: backend.port }) }).toEqual({ backend, exists: backend.port });
                expect(backend.name).not.toMatch(/-internal$/);
                return { host, path: match.path.value, service: backend.name, port: backend.port };
              });
            }),
          ),
        );
      });
      const key = (r: { host: string; path: string }) => `${r.host}${r.path}`;
      const sorted = <T extends { host: string; path: string }>(rs: T[]) => [...rs].sort((a, b) => key(a).localeCompare(key(b)));
      expect(byIngress.length).toBe(APP_NAMES.length + 1);
      expect(sorted(byRoute)).toEqual(sorted(byIngress));
    });

    it("confines each pod's egress to DNS, its database, Kafka and what it calls; the worker alone reaches the internet, on public addresses and its ports only", () => {
      const policies = resources.filter((r) => r.kind === 'NetworkPolicy');
      const namespace = one(resources, 'Deployment', 'gateway').metadata.namespace!;
      const namespaceLabels = { 'kubernetes.io/metadata.name': namespace };
      const podLabels = (r: Resource): Record<string, string> => (spec(r).template ?? spec(r).jobTemplate.spec.template).metadata.labels;
      const appNames: string[] = [...APP_NAMES, API_ROOT];
      const workloads = resources.filter((r) => podSpecOf(r) && appNames.includes(podLabels(r)['app.kubernetes.io/name']));
      // A Deployment per app and the root, a migrations Job per app, the Kafka topics Job.
      expect(workloads.length).toBe(APP_NAMES.length * 2 + 2);
      const from = (r: Resource) => ({ namespace, labels: podLabels(r) });
      const here = (labels: Record<string, string>, ip: string, port: number, name?: string): Destination => ({ pod: { namespace, namespaceLabels, podLabels: labels }, ip, port: { number: port, name } });
      const elsewhere = (ns: string, nsLabels: Record<string, string>, labels: Record<string, string>, ip: string, port: number, protocol = 'TCP'): Destination => ({
        pod: { namespace: ns, namespaceLabels: { 'kubernetes.io/metadata.name': ns, ...nsLabels }, podLabels: labels },
        ip,
        port: { number: port, protocol },
      });
      const internet = (ip: string, port: number): Destination => ({ ip, port: { number: port } });
      /** The pod behind a Service of the overlay (dev's PostgreSQL and Kafka), on the Service's port. */
      const behindService = (name: string): Destination | undefined => {
        const service = resources.find((r) => r.kind === 'Service' && r.metadata.name === name);
        if (!service) return undefined;
        const workload = resources.find((r) => podSpecOf(r) && Object.entries(spec(service).selector).every(([k, v]) => podLabels(r)[k] === v))!;
        const [port] = spec(service).ports;
        const containerPort = mainContainer(workload).ports.find((p: { name: string; containerPort: number }) => p.name === port.targetPort || p.containerPort === port.targetPort);
        return here(podLabels(workload), '10.244.0.50', containerPort.containerPort, containerPort.name);
      };
      const dns = ['UDP', 'TCP'].map((protocol) => elsewhere('kube-system', {}, { 'k8s-app': 'kube-dns' }, '10.96.0.10', 53, protocol));
      // PostgreSQL: the overlay's own (dev), or an operator-run one in a namespace labelled for it (docs/deploy.md).
      const databases = [behindService('postgres'), elsewhere('databases', { 'tributary.io/database': 'true' }, { 'cnpg.io/cluster': 'tributary' }, '10.244.5.5', 5432)].filter((d): d is Destination => !!d);
      // Kafka: each broker of KAFKA_BROKERS, a Service of the overlay (dev) or of a namespace labelled for it (prod's Strimzi).
      const brokers = String((one(resources, 'ConfigMap', 'tributary-messaging') as unknown as { data: Record<string, string> }).data.KAFKA_BROKERS)
        .split(',')
        .map((broker) => {
          const [host, port] = broker.trim().split(':');
          const [service, ns] = host.split('.');
          if (!ns) return behindService(service)!;
          return elsewhere(ns, { 'tributary.io/kafka': 'true' }, { 'strimzi.io/kind': 'Kafka' }, '10.244.6.6', Number(port));
        });
      expect(brokers.length).toBeGreaterThan(0);
      const publicAddress = '203.0.113.10';
      const privateAddresses = ['10.0.0.5', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '127.0.0.1'];

      for (const workload of workloads) {
        const source = from(workload);
        const app = source.labels['app.kubernetes.io/name'];
        const where = `${workload.kind}/${workload.metadata.name}`;
        const check = (what: string, to: Destination, allowed: boolean) => expect({ where, what, allowed: allowsEgress(policies, source, to) }).toEqual({ where, what, allowed });
        // Confined: some Egress policy selects it.
        expect({ where, confined: egressPoliciesOf(policies, source).length > 0 }).toEqual({ where, confined: true });
        for (const to of dns) check(`dns ${to.port.protocol}`, to, true);
        check('dns on another port', { ...dns[0], port: { number: 80 } }, false);
        for (const to of databases) check(`postgres ${JSON.stringify(to.pod)}`, to, app !== API_ROOT);
        const kafka = app !== API_ROOT && APPS[app as AppName].kafka;
        for (const to of brokers) check(`kafka ${JSON.stringify(to.pod)}`, to, kafka);
        // The internet: the worker's pods alone (not its migrations Job), on HTTP(S) and SMTP, public addresses only.
        const worker = app === 'integration-worker' && workload.kind === 'Deployment';
        for (const port of [443, 80, 587, 465, 25]) check(`internet :${port}`, internet(publicAddress, port), worker);
        for (const port of [8080, 5432, 22]) check(`internet :${port}`, internet(publicAddress, port), false);
        for (const ip of privateAddresses) for (const port of [443, 80]) check(`${ip}:${port}`, internet(ip, port), false);
        check('a pod of another namespace', elsewhere('team-x', {}, { app: 'anything' }, '10.244.9.9', 443), false);
        // The apps: the composed API's pods alone call them, on their HTTP and internal ports.
        for (const other of APP_NAMES) {
          const deployment = one(resources, 'Deployment', other);
          for (const port of mainContainer(deployment).ports) {
            check(`${other} :${port.name}`, here(podLabels(deployment), '10.244.1.1', port.containerPort, port.name), app === API_ROOT && workload.kind === 'Deployment');
          }
        }
        // The change-sink's MariaDB capture (MYSQL_HOST: a mariadb pod here or in a database namespace), at MYSQL_PORT.
        const changeSink = loadConfig(APPS['change-sink'].config, guaranteedEnv(containerEnv(mainContainer(one(resources, 'Deployment', 'change-sink')), resources))) as unknown as { MYSQL_PORT: number };
        const mariadb = [here({ 'app.kubernetes.io/name': 'mariadb' }, '10.244.0.60', changeSink.MYSQL_PORT), elsewhere('databases', { 'tributary.io/database': 'true' }, { 'app.kubernetes.io/name': 'mariadb' }, '10.244.5.6', changeSink.MYSQL_PORT)];
        for (const to of mariadb) check(`mariadb ${to.pod!.namespace}`, to, app === 'change-sink' && workload.kind === 'Deployment');
        // An OpenTelemetry collector (OTLP gRPC and HTTP): the apps' Deployments, here or in a namespace labelled for it.
        const traced = app !== API_ROOT && workload.kind === 'Deployment';
        const collectors = [here({ 'app.kubernetes.io/name': 'otel-collector' }, '10.244.0.70', 4318), elsewhere('observability', { 'tributary.io/telemetry': 'true' }, { app: 'collector' }, '10.244.7.7', 4317)];
        for (const to of collectors) check(`otlp ${to.pod!.namespace}:${to.port.number}`, to, traced);
        check('otel-collector on another port', here({ 'app.kubernetes.io/name': 'otel-collector' }, '10.244.0.70', 8888), false);
        // Prod's Redis: the gateway's pods alone.
        const redis = behindService('redis');
        if (redis) check('redis', redis, app === 'gateway' && workload.kind === 'Deployment');
      }

      // Nothing wide-open: every egress rule names its destinations and ports; an address range covering
      // everything is the worker's (its pods only), with the private ranges excepted and HTTP(S)/SMTP ports.
      const workerLabels = podLabels(one(resources, 'Deployment', 'integration-worker'));
      for (const policy of policies.filter((p) => (spec(p).policyTypes ?? []).includes('Egress'))) {
        for (const rule of spec(policy).egress ?? []) {
          const where = policy.metadata.name;
          expect({ where, to: (rule.to ?? []).length > 0, ports: (rule.ports ?? []).length > 0 }).toEqual({ where, to: true, ports: true });
          for (const peer of rule.to) {
            if (!peer.ipBlock) continue;
            const bits = Number(peer.ipBlock.cidr.split('/')[1]);
            if (bits >= 8) continue;
            expect({ where, cidr: peer.ipBlock.cidr, selectsWorker: selects(spec(policy).podSelector, workerLabels) }).toEqual({ where, cidr: peer.ipBlock.cidr, selectsWorker: true });
            for (const other of workloads.filter((w) => podLabels(w) !== workerLabels)) expect({ where, other: other.metadata.name, selected: selects(spec(policy).podSelector, podLabels(other)) }).toEqual({ where, other: other.metadata.name, selected: false });
            if (peer.ipBlock.cidr === '0.0.0.0/0') expect(peer.ipBlock.except).toEqual(expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16']));
            else expect(peer.ipBlock.except).toEqual(expect.arrayContaining(['fc00::/7', 'fe80::/10']));
            expect(rule.ports.map((p: { port: number }) => p.port).sort()).toEqual([25, 443, 465, 587, 80].sort());
          }
        }
      }
    });
  });

  it('pins production images to a version and keeps the dev overlay on local images', () => {
    for (const container of rendered.prod.flatMap(containersOf)) expect(container.image).toMatch(/:\d+\.\d+\.\d+$/);
    for (const app of [...APP_NAMES, API_ROOT]) expect(mainContainer(one(rendered.dev, 'Deployment', app)).image).toBe(`tributary/${app}:local`);
  });
});

/** Every metric name the code registers (libs/, apps/): `gauge('…'` (`settableGauge('…'` too), `counter('…'`, `histogram('…'`, or `name: '…'`. */
const registeredMetrics = (): Set<string> => {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ts$/.test(entry.name) && !/spec\.ts$/.test(entry.name)) {
        for (const m of readFileSync(path, 'utf8').matchAll(/(?:gauge|counter|histogram)\(\s*'(tributary_\w+)'|name:\s*'(tributary_\w+)'/gi)) names.add(m[1] ?? m[2]);
      }
    }
  };
  for (const top of ['libs', 'apps']) walk(join(root, top));
  return names;
};
describe('the KEDA component (k8s/components/keda), off by default', () => {
  const dir = join(root, 'k8s', 'overlays', 'prod-keda');
  const withKeda = kustomize(dir);
  const scaledObjects = withKeda.filter((r) => r.kind === 'ScaledObject');
  /** A consumer group's name as the app's source declares it (`export const X = '…'`). */
  const declared = (file: string, constant: string) => new RegExp(`${constant} = '([^']+)'`).exec(readFileSync(join(root, file), 'utf8'))![1];

  it('is in no default overlay, and renders with kubectl as with the test renderer', () => {
    for (const overlay of OVERLAYS) expect(rendered[overlay].filter((r) => r.kind === 'ScaledObject')).toEqual([]);
    const byKubectl = kubectlKustomize(dir);
    if (!byKubectl) return;
    const key = (r: Resource) => `${r.kind}/${r.metadata.namespace ?? ''}/${r.metadata.name}`;
    const sorted = (rs: Resource[]) => [...rs].sort((a, b) => key(a).localeCompare(key(b)));
    expect(sorted(withKeda)).toEqual(sorted(byKubectl));
  });

  it("scales the Kafka consumers' Deployments, alone, on the consumer-lag metric the apps export for their own groups", () => {
    const groups: Record<string, string[]> = {
      'integration-worker': [declared('apps/integration-worker/src/runtime/integrations.module.ts', 'WORKER_GROUP')],
      'event-store': [declared('apps/event-store/src/event-store.app.ts', 'EVENT_STORE_GROUP')],
    };
    // A named queue's group (queueGroupOf: `<group>.q.<queue>`) is the worker's too.
    groups['integration-worker'].push(`${groups['integration-worker'][0]}.q.reports`);
    expect(scaledObjects.map((s) => s.metadata.name).sort()).toEqual(Object.keys(groups).sort());
    const metrics = registeredMetrics();
    expect(metrics.has('tributary_consumer_lag_messages')).toBe(true);
    for (const scaled of scaledObjects) {
      expect(scaled.apiVersion).toBe('keda.sh/v1alpha1');
      const target = spec(scaled).scaleTargetRef;
      expect(target.kind ?? 'Deployment').toBe('Deployment');
      const deployment = one(withKeda, 'Deployment', target.name);
      const app = appOf(deployment);
      // A ScaledObject scales a Deployment of its own namespace only.
      expect(scaled.metadata.namespace).toBe(deployment.metadata.namespace);
      // KEDA's own HPA alone: no other autoscaler, and no replica count for an apply to fight over.
      expect(withKeda.filter((r) => r.kind === 'HorizontalPodAutoscaler' && spec(r).scaleTargetRef.name === target.name)).toEqual([]);
      expect(spec(deployment).replicas).toBeUndefined();
      const config = loadConfig(APPS[app].config, guaranteedEnv(containerEnv(mainContainer(deployment), withKeda))) as unknown as { KAFKA_PARTITIONS: number };
      expect(spec(scaled).minReplicaCount).toBeGreaterThanOrEqual(1);
      expect(spec(scaled).maxReplicaCount).toBeLessThanOrEqual(config.KAFKA_PARTITIONS);
      const prometheus = spec(scaled).triggers.filter((t: Json) => t.type === 'prometheus');
      expect(prometheus.length).toBe(1);
      const { query, serverAddress, threshold } = prometheus[0].metadata;
      expect(new URL(serverAddress).protocol).toMatch(/^https?:$/);
      expect(Number(threshold)).toBeGreaterThan(0);
      // Every metric it reads is registered by the code, and this app exports it (its MetricsModule with messaging).
      const used = [...String(query).matchAll(/\b(tributary_\w+)/g)].map((m) => m[1]);
      expect(used).toEqual(['tributary_consumer_lag_messages']);
      for (const name of used) expect({ name, registered: metrics.has(name) }).toEqual({ name, registered: true });
      const modules = readdirSync(join(root, 'apps', app, 'src')).filter((f) => f.endsWith('.module.ts'));
      expect(modules.some((f) => readFileSync(join(root, 'apps', app, 'src', f), 'utf8').includes(`MetricsModule.forRoot({ app: '${app}', messaging: true })`))).toBe(true);
      // Its group selector takes the app's groups and no other app's.
      const selector = /group(=~|=)"([^"]+)"/.exec(String(query))!;
      const matches = (group: string) => (selector[1] === '=' ? group === selector[2] : new RegExp(`^(?:${selector[2].replace(/\\\\/g, '\\')})$`).test(group));
      for (const group of groups[app]) expect({ app, group, matched: matches(group) }).toEqual({ app, group, matched: true });
      for (const [other, theirs] of Object.entries(groups)) if (other !== app) for (const group of theirs) expect({ app, group, matched: matches(group) }).toEqual({ app, group, matched: false });
    }
    // The rest of the prod overlay is untouched: the change-sink keeps its HPA.
    expect(withKeda.filter((r) => r.kind === 'HorizontalPodAutoscaler').map((r) => r.metadata.name)).toEqual(['change-sink']);
  });
});

describe('the monitoring component (k8s/components/monitoring), off by default', () => {
  const dir = join(root, 'k8s', 'overlays', 'prod-monitoring');
  const withMonitoring = kustomize(dir);
  const metrics = registeredMetrics();
  /** The tributary_* names a PromQL expression reads, a histogram's _bucket/_count/_sum series as the histogram's name. */
  const namesIn = (expr: string) =>
    [...expr.matchAll(/\b(tributary_\w+)/g)].map((m) => m[1]).map((name) => (metrics.has(name) ? name : name.replace(/_(bucket|count|sum)$/, '')));
  /** Every metric name an expression reads is a tributary_* one the code registers (no kube-state-metrics or other exporter needed). */
  const expectRegistered = (where: string, expr: string) => {
    const names = namesIn(expr);
    expect({ where, reads: names.length > 0 }).toEqual({ where, reads: true });
    const bare = expr.replace(/"[^"]*"/g, '').replace(/\{\{[^}]*\}\}/g, '');
    const others = [...bare.matchAll(/\b([a-z_][a-z0-9_]*)\s*(?=\{|\[)/g)].map((m) => m[1]).filter((n) => !n.startsWith('tributary_'));
    expect({ where, others }).toEqual({ where, others: [] });
    for (const name of names) expect({ where, name, registered: metrics.has(name) }).toEqual({ where, name, registered: true });
  };

  it('is in no default overlay, and renders with kubectl as with the test renderer', () => {
    for (const overlay of OVERLAYS) expect(rendered[overlay].filter((r) => r.apiVersion.startsWith('monitoring.coreos.com/'))).toEqual([]);
    const byKubectl = kubectlKustomize(dir);
    if (!byKubectl) return;
    const key = (r: Resource) => `${r.kind}/${r.metadata.namespace ?? ''}/${r.metadata.name}`;
    const sorted = (rs: Resource[]) => [...rs].sort((a, b) => key(a).localeCompare(key(b)));
    expect(sorted(withMonitoring)).toEqual(sorted(byKubectl));
  });

  it("monitors each app's internal /metrics port through an existing Service, in the apps' namespace", () => {
    const monitors = withMonitoring.filter((r) => r.kind === 'ServiceMonitor' || r.kind === 'PodMonitor');
    expect(monitors.map((m) => m.metadata.name).sort()).toEqual([...APP_NAMES].sort());
    for (const monitor of monitors) {
      expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
      const app = monitor.metadata.name as AppName;
      const deployment = one(withMonitoring, 'Deployment', app);
      expect(monitor.metadata.namespace).toBe(deployment.metadata.namespace);
      const selector = spec(monitor).selector.matchLabels as Record<string, string>;
      const services = withMonitoring.filter(
        (r) => r.kind === 'Service' && r.metadata.namespace === monitor.metadata.namespace && Object.entries(selector).every(([k, v]) => r.metadata.labels?.[k] === v),
      );
      expect({ app, services: services.map((s) => s.metadata.name) }).toEqual({ app, services: [`${app}-internal`] });
      const config = loadConfig(APPS[app].config, guaranteedEnv(containerEnv(mainContainer(deployment), withMonitoring)));
      for (const endpoint of spec(monitor).endpoints) {
        expect(endpoint.path).toBe('/metrics');
        const port = spec(services[0]).ports.find((p: Json) => p.name === endpoint.port);
        // The Service's port leads to the container's internal port, the one serving /metrics.
        expect({ app, port: port?.targetPort }).toEqual({ app, port: 'internal' });
        expect(mainContainer(deployment).ports.find((p: Json) => p.name === 'internal').containerPort).toBe(config.INTERNAL_PORT);
      }
    }
  });

  it('alerts on lag, dead letters, capture delay, 5xx rate and readiness flapping, with metrics the code registers', () => {
    const rules = withMonitoring.filter((r) => r.kind === 'PrometheusRule');
    expect(rules.length).toBe(1);
    expect(rules[0].apiVersion).toBe('monitoring.coreos.com/v1');
    const alerts = spec(rules[0]).groups.flatMap((g: Json) => g.rules) as { alert: string; expr: string; for: string; annotations: Record<string, string> }[];
    expect(alerts.map((a) => a.alert)).toEqual(
      expect.arrayContaining(['TributaryConsumerLagGrowing', 'TributaryDeadLettersGrowing', 'TributaryChangeCaptureDelay', 'TributaryHttp5xxRate', 'TributaryReadinessFlapping']),
    );
    for (const alert of alerts) {
      expectRegistered(alert.alert, alert.expr);
      expect({ alert: alert.alert, summary: typeof alert.annotations.summary }).toEqual({ alert: alert.alert, summary: 'string' });
      expect(alert.for).toMatch(/^\d+[smh]$/);
    }
    // The readiness alert reads the probe's own route, as the apps label it.
    const flapping = alerts.find((a) => a.alert === 'TributaryReadinessFlapping')!;
    expect(flapping.expr).toContain('route="/health/ready"');
    expect(readFileSync(join(root, 'libs', 'lifecycle', 'src', 'health', 'health.controller.ts'), 'utf8')).toMatch(/@Controller\('health'\)[\s\S]*@Get\('ready'\)/);
  });

  it("ships a Grafana dashboard whose every panel queries metrics the code registers", () => {
    const maps = withMonitoring.filter((r) => r.kind === 'ConfigMap' && r.metadata.labels?.grafana_dashboard === '1');
    expect(maps.length).toBe(1);
    const data = maps[0].data as Record<string, string>;
    const dashboards = Object.entries(data).map(([file, text]) => ({ file, dashboard: JSON.parse(text) as { uid: string; panels: { title: string; targets: { expr: string }[] }[] } }));
    expect(dashboards.map((d) => d.file)).toEqual(['tributary.json']);
    const { panels } = dashboards[0].dashboard;
    expect(panels.length).toBeGreaterThan(5);
    for (const panel of panels) {
      expect({ panel: panel.title, targets: panel.targets.length > 0 }).toEqual({ panel: panel.title, targets: true });
      for (const target of panel.targets) expectRegistered(panel.title, target.expr);
    }
  });
});

describe('the licence', () => {
  it("is the MIT licence at the root, as package.json's `license` says", () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { license: string };
    expect(pkg.license).toBe('MIT');
    const text = readFileSync(join(root, 'LICENSE'), 'utf8');
    expect(text.split('\n')[0]).toBe('MIT License');
    expect(text).toMatch(/^Copyright \(c\) \d{4} .+$/m);
    expect(text).toContain('Permission is hereby granted, free of charge, to any person obtaining a copy');
  });
});
