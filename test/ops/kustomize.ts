import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Json } from '../support/json.js';

/** A Kubernetes object as YAML gives it. */
export interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

interface Kustomization {
  namespace?: string;
  resources?: string[];
  /** Components (kind: Component): their resources join, and their patches apply to, the resources so far. */
  components?: string[];
  patches?: { path: string }[];
  images?: { name: string; newName?: string; newTag?: string }[];
  replicas?: { name: string; count: number }[];
}

/** What this renderer understands; anything else in a kustomization fails loudly instead of being ignored. */
const SUPPORTED = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'components', 'patches', 'images', 'replicas']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass', 'CustomResourceDefinition']);

export function parseYamlDocuments(path: string): Resource[] {
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0].message}`);
      return doc.toJS() as Resource | null;
    })
    .filter((r): r is Resource => r !== null);
}

/**
 * Renders a kustomization the way `kubectl kustomize` does, for the features the manifests use:
 * resources (files and directories), components, strategic-merge patches (`$patch: delete` included),
 * images, replicas and namespace. Tests cross-check it against kubectl when kubectl is installed.
 * `inherited`: for a component, the resources of the kustomization that includes it.
 */
export function kustomize(dir: string, inherited: Resource[] = []): Resource[] {
  const file = join(dir, 'kustomization.yaml');
  const k = parseYamlDocuments(file)[0] as unknown as Kustomization;
  const unsupported = Object.keys(k).filter((key) => !SUPPORTED.has(key));
  if (unsupported.length > 0) throw new Error(`${file}: the test renderer does not support ${unsupported.join(', ')}`);
  let resources = [
    ...inherited,
    ...(k.resources ?? []).flatMap((entry) => {
      const path = resolve(dir, entry);
      return statSync(path).isDirectory() ? kustomize(path) : parseYamlDocuments(path);
    }),
  ];
  for (const component of k.components ?? []) resources = kustomize(resolve(dir, component), resources);
  for (const { path } of k.patches ?? []) {
    for (const patch of parseYamlDocuments(resolve(dir, path))) {
      const target = resources.find((r) => r.kind === patch.kind && r.metadata.name === patch.metadata.name);
      if (!target) throw new Error(`${path}: no ${patch.kind} ${patch.metadata.name} to patch`);
      if (patch.$patch === 'delete') resources = resources.filter((r) => r !== target);
      else strategicMerge(target, patch, builtIn(target));
    }
  }
  for (const { name, count } of k.replicas ?? []) {
    const target = resources.find((r) => ['Deployment', 'StatefulSet', 'ReplicaSet'].includes(r.kind) && r.metadata.name === name);
    if (!target) throw new Error(`${file}: replicas for unknown ${name}`);
    (target.spec as Record<string, unknown>).replicas = count;
  }
  for (const image of k.images ?? []) {
    for (const container of resources.flatMap(containersOf)) {
      const [name, tag] = splitImage(container.image as string);
      if (name !== image.name) continue;
      const newTag = image.newTag ?? tag;
      container.image = newTag ? `${image.newName ?? name}:${newTag}` : (image.newName ?? name);
    }
  }
  if (k.namespace) {
    for (const r of resources) if (!CLUSTER_SCOPED.has(r.kind)) r.metadata.namespace = k.namespace;
  }
  return resources;
}

function splitImage(image: string): [string, string | undefined] {
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/') ? [image.slice(0, at), image.slice(at + 1)] : [image, undefined];
}

/** The pod template of a workload (Deployment, StatefulSet, Job…), or undefined. */
export function podSpecOf(resource: Resource): Record<string, Json> | undefined {
  const spec = resource.spec as Record<string, Json> | undefined;
  return spec?.template?.spec ?? spec?.jobTemplate?.spec?.template?.spec;
}

export function containersOf(resource: Resource): Record<string, Json>[] {
  const pod = podSpecOf(resource);
  return pod ? [...(pod.containers ?? []), ...(pod.initContainers ?? [])] : [];
}

/** The API groups whose schema kustomize knows (their named lists merge by name); a custom resource's lists are replaced whole. */
const BUILT_IN_GROUPS = new Set(['', 'apps', 'batch', 'policy', 'autoscaling', 'networking.k8s.io', 'rbac.authorization.k8s.io']);
const builtIn = (r: Resource) => BUILT_IN_GROUPS.has(r.apiVersion.includes('/') ? r.apiVersion.split('/')[0] : '');

/**
 * Kubernetes' strategic merge for what the patches use: maps merge, lists of named items merge by name
 * (for a built-in kind; a custom resource's lists, as kustomize has no schema for them, are replaced),
 * other lists are replaced. A merged list is ordered as kustomize orders it (checked against kubectl):
 * the patch's items first, in the patch's order, then the target's other items.
 */
function strategicMerge(target: Record<string, Json>, patch: Record<string, Json>, namedListsMerge = true): void {
  for (const [key, value] of Object.entries(patch)) {
    const current = target[key];
    if (value === null) delete target[key];
    else if (namedListsMerge && Array.isArray(value) && Array.isArray(current) && value.every((v) => v && typeof v === 'object' && 'name' in v)) {
      const merged = value.map((item) => {
        const existing = current.find((c) => c?.name === item.name);
        if (!existing) return item;
        strategicMerge(existing, item);
        return existing;
      });
      target[key] = [...merged, ...current.filter((c) => !merged.includes(c))];
    } else if (isObject(value) && isObject(current)) strategicMerge(current, value, namedListsMerge);
    else target[key] = value;
  }
}

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `kubectl kustomize <dir>` parsed, when kubectl is installed; undefined otherwise. */
export function kubectlKustomize(dir: string): Resource[] | undefined {
  const kubectl = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find(existsSync);
  if (!kubectl) return undefined;
  const output = execFileSync(kubectl, ['kustomize', dir], { encoding: 'utf8' });
  return parseAllDocuments(output).map((d) => d.toJS() as Resource);
}
