import { join } from 'node:path';
import { loadConfig } from '@tributary/runtime';
import { WorkerConfig } from '../../apps/integration-worker/src/worker.config.js';
import { APP_NAMES, APPS, configVariables, containerEnv, guaranteedEnv, mainContainer, requiredVariables, type AppName } from './ops-fixtures.js';
import { parseDockerfile, effective, execForm, stageChain } from './dockerfile.js';
import { containersOf, kubectlKustomize, kustomize, podSpecOf, type Resource } from './kustomize.js';

const root = process.cwd();
const OVERLAYS = ['dev', 'prod'] as const;
const rendered = Object.fromEntries(OVERLAYS.map((o) => [o, kustomize(join(root, 'k8s', 'overlays', o))])) as Record<(typeof OVERLAYS)[number], Resource[]>;

const one = (resources: Resource[], kind: string, name: string): Resource => {
  const found = resources.filter((r) => r.kind === kind && r.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0];
};
const spec = (r: Resource) => r.spec as Record<string, any>;
const appOf = (r: Resource) => r.metadata.labels?.['app.kubernetes.io/name'] as AppName;
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

    it('exposes the port each app listens on, probes its health routes on it, and announces /metrics there', () => {
      for (const app of APP_NAMES) {
        const deployment = one(resources, 'Deployment', app);
        const container = mainContainer(deployment);
        const config = loadConfig(APPS[app].config, guaranteedEnv(containerEnv(container, resources)));
        expect(container.ports).toEqual([{ name: 'http', containerPort: config.PORT, protocol: 'TCP' }]);
        expect(spec(one(resources, 'Service', app)).ports).toEqual([{ name: 'http', port: config.PORT, targetPort: 'http', protocol: 'TCP' }]);
        expect(container.startupProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
        expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
        expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
        expect(spec(deployment).template.metadata.annotations).toMatchObject({
          'prometheus.io/scrape': 'true',
          'prometheus.io/port': String(config.PORT),
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

    it('lets traffic from outside reach only the gateway and the change-sink', () => {
      const policies = resources.filter((r) => r.kind === 'NetworkPolicy');
      const selects = (policy: Resource, labels: Record<string, string>) => {
        const selector = spec(policy).podSelector ?? {};
        const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
        const byExpression = (selector.matchExpressions ?? []).every((e: { key: string; operator: string; values: string[] }) =>
          e.operator === 'In' ? e.values.includes(labels[e.key]) : e.operator === 'NotIn' ? !e.values.includes(labels[e.key]) : true,
        );
        return byLabel && byExpression;
      };
      const denyAll = policies.find((p) => Object.keys(spec(p).podSelector).length === 0 && spec(p).policyTypes.includes('Ingress') && !spec(p).ingress);
      expect(denyAll).toBeDefined();
      for (const app of APP_NAMES) {
        const labels = spec(one(resources, 'Deployment', app)).template.metadata.labels;
        const rules = policies.filter((p) => selects(p, labels)).flatMap((p) => spec(p).ingress ?? []);
        const fromAnywhere = rules.filter((rule: { from?: unknown[] }) => !rule.from || rule.from.length === 0);
        if (APPS[app].public) expect(fromAnywhere.length).toBeGreaterThan(0);
        else expect({ app, fromAnywhere }).toEqual({ app, fromAnywhere: [] });
        // Whatever reaches an app reaches only its HTTP port.
        for (const rule of rules) expect(rule.ports).toEqual([{ port: 'http', protocol: 'TCP' }]);
      }
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
    for (const app of APP_NAMES) expect(mainContainer(one(rendered.dev, 'Deployment', app)).image).toBe(`tributary/${app}:local`);
  });
});
