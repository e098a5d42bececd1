import { randomBytes } from 'node:crypto';
import { getMetadataStorage } from 'class-validator';
import { loadConfig, type AppConfig } from '@tributary/config';
import { generateApiKey } from '@tributary/tenancy';
import { ChangeSinkConfig } from '../../apps/change-sink/src/change-sink.config.js';
import { EventStoreConfig } from '../../apps/event-store/src/event-store.config.js';
import { GatewayConfig } from '../../apps/gateway/src/gateway.config.js';
import { WorkerConfig } from '../../apps/integration-worker/src/worker.config.js';
import { containersOf, type Resource } from './kustomize.js';
import type { Json } from '../support/json.js';

interface DeployableApp {
  readonly config: new () => AppConfig;
  /** Publishes or consumes on Kafka (reads the KAFKA_* settings). */
  readonly kafka: boolean;
  readonly autoscaled: boolean;
}

/** The deployable apps, their config classes, and what the manifests must give each. */
export const APPS: Record<'gateway' | 'event-store' | 'change-sink' | 'integration-worker', DeployableApp> = {
  gateway: { config: GatewayConfig, kafka: true, autoscaled: false },
  'event-store': { config: EventStoreConfig, kafka: true, autoscaled: false },
  'change-sink': { config: ChangeSinkConfig, kafka: false, autoscaled: true },
  'integration-worker': { config: WorkerConfig, kafka: true, autoscaled: true },
};
export type AppName = keyof typeof APPS;
export const APP_NAMES = Object.keys(APPS) as AppName[];

type ConfigClass = new () => object;

/** The environment variables a config class reads: its validated properties (loadConfig whitelists the rest away). */
export function configVariables(type: ConfigClass): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(type, '', true, false);
  return [...new Set(metadata.map((m) => m.propertyName))].sort();
}

/** The variables without which `loadConfig` fails, given the rest of `env`. */
export function requiredVariables(type: ConfigClass, env: Record<string, string>): string[] {
  return configVariables(type).filter((variable) => {
    const { [variable]: _, ...without } = env;
    try {
      loadConfig(type, without);
      return false;
    } catch (error) {
      return (error as Error).message.includes(`  ${variable}:`);
    }
  });
}

/** A valid value for a secret the manifests reference but do not contain (it is created at deploy time). */
export function placeholderSecret(variable: string): string {
  switch (variable) {
    case 'DATABASE_URL':
    case 'TRIBUTARY_NOTIFY_URL':
      return 'postgres://tributary:placeholder@postgres.example:5432/tributary';
    case 'REDIS_URL':
      return 'redis://:placeholder@redis.example:6379';
    case 'TRIBUTARY_ADMIN_KEY':
      return generateApiKey();
    case 'KAFKA_SASL_MECHANISM':
      return 'scram-sha-512';
    default:
      return randomBytes(32).toString('base64');
  }
}

export interface EnvSource {
  readonly from: 'value' | 'configMap' | 'secret';
  readonly optional: boolean;
  /** The value when the manifests hold it (a literal, a ConfigMap, a Secret in the overlay); undefined for a Secret created at deploy time. */
  readonly value: string | undefined;
}

/** Every variable a container sets, with where it comes from. Fails on a reference to a ConfigMap or key that does not exist. */
export function containerEnv(container: Record<string, Json>, resources: Resource[]): Map<string, EnvSource> {
  const find = (kind: string, name: string) => resources.find((r) => r.kind === kind && r.metadata.name === name) as Record<string, Json> | undefined;
  const secretData = (secret: Record<string, Json>): Record<string, string> => ({
    ...Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(String(v), 'base64').toString('utf8')])),
    ...(secret.stringData ?? {}),
  });
  const env = new Map<string, EnvSource>();
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) {
      const map = find('ConfigMap', from.configMapRef.name);
      if (!map) throw new Error(`container ${container.name}: envFrom ConfigMap ${from.configMapRef.name} is not in the manifests`);
      for (const [key, value] of Object.entries(map.data ?? {})) env.set(key, { from: 'configMap', optional: false, value: String(value) });
    } else {
      throw new Error(`container ${container.name}: envFrom ${JSON.stringify(from)}: name each Secret key with env/secretKeyRef instead`);
    }
  }
  for (const entry of container.env ?? []) {
    if ('value' in entry) env.set(entry.name, { from: 'value', optional: false, value: String(entry.value) });
    else if (entry.valueFrom?.configMapKeyRef) {
      const { name, key, optional = false } = entry.valueFrom.configMapKeyRef;
      const value = find('ConfigMap', name)?.data?.[key];
      if (value === undefined && !optional) throw new Error(`container ${container.name}: ${entry.name} refers to missing ConfigMap key ${name}/${key}`);
      env.set(entry.name, { from: 'configMap', optional, value });
    } else if (entry.valueFrom?.secretKeyRef) {
      const { name, key, optional = false } = entry.valueFrom.secretKeyRef;
      const secret = find('Secret', name);
      const value = secret ? secretData(secret)[key] : undefined;
      if (secret && value === undefined && !optional) throw new Error(`container ${container.name}: ${entry.name} refers to missing Secret key ${name}/${key}`);
      env.set(entry.name, { from: 'secret', optional, value });
    } else {
      throw new Error(`container ${container.name}: ${entry.name} has an unsupported source`);
    }
  }
  return env;
}

/**
 * The environment the container is sure to get: literals and ConfigMap values, plus every Secret
 * reference that is not optional (with the overlay's value, or a placeholder for a Secret created at
 * deploy time). Optional references are left out: the app must start without them.
 */
export function guaranteedEnv(env: Map<string, EnvSource>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, source] of env) {
    if (source.optional) continue;
    out[name] = source.value ?? placeholderSecret(name);
  }
  return out;
}

/** The one container of a Deployment or Job. */
export function mainContainer(resource: Resource): Record<string, Json> {
  const [container, ...more] = containersOf(resource);
  if (!container || more.length > 0) throw new Error(`${resource.kind} ${resource.metadata.name}: expected exactly one container`);
  return container;
}

/** Compose-style `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}` and `$$`. */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g, (match, name?: string, colon?: string, op?: string, arg?: string) => {
    if (match === '$$') return '$';
    const value = env[name!];
    const missing = value === undefined || (colon === ':' && value === '');
    if (!op) return value ?? '';
    if (!missing) return value!;
    if (op === '-') return arg ?? '';
    throw new Error(`${name}: ${arg}`);
  });
}
