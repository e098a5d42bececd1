import type { Resource } from './kustomize.js';

type Labels = Record<string, string>;

interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

interface Rule {
  from?: Peer[];
  ports?: { port?: number | string; protocol?: string }[];
}

/** Where a connection comes from: a pod (its namespace's labels and its own), or an address outside the cluster. */
export type Source = { namespace: string; namespaceLabels: Labels; podLabels: Labels } | { external: true };

/** Where it goes: a pod of `namespace` with `labels`, on a container port (number and name). */
export interface Target {
  namespace: string;
  labels: Labels;
  port: { number: number; name?: string; protocol?: string };
}

/** Kubernetes label selector semantics; the empty selector selects everything. */
export function selects(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return true;
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpression = (selector.matchExpressions ?? []).every((e) => {
    switch (e.operator) {
      case 'In':
        return e.key in labels && (e.values ?? []).includes(labels[e.key]);
      case 'NotIn':
        return !(e.key in labels) || !(e.values ?? []).includes(labels[e.key]);
      case 'Exists':
        return e.key in labels;
      case 'DoesNotExist':
        return !(e.key in labels);
      default:
        throw new Error(`unknown selector operator ${String(e.operator)}`);
    }
  });
  return byLabel && byExpression;
}

const peerAdmits = (peer: Peer, policyNamespace: string, source: Source): boolean => {
  if (peer.ipBlock) return 'external' in source; // no policy here uses one; an ipBlock is taken to admit any outside address
  if ('external' in source) return false;
  if (peer.namespaceSelector) {
    return selects(peer.namespaceSelector, source.namespaceLabels) && selects(peer.podSelector, source.podLabels);
  }
  return source.namespace === policyNamespace && selects(peer.podSelector, source.podLabels);
};

const portAdmits = (rule: Rule, target: Target): boolean =>
  !rule.ports ||
  rule.ports.length === 0 ||
  rule.ports.some(
    (p) => (p.protocol ?? 'TCP') === (target.port.protocol ?? 'TCP') && (p.port === undefined || p.port === target.port.number || p.port === target.port.name),
  );

/**
 * Whether the NetworkPolicies let `source` open a connection to `target`, by the API's rules: a pod
 * no Ingress policy selects takes everything; a selected pod takes only what some rule of a policy
 * selecting it allows (a rule without `from` allows every source, without `ports` every port).
 */
export function admits(policies: Resource[], source: Source, target: Target): boolean {
  const applying = policies.filter((p) => {
    const spec = p.spec as { podSelector: LabelSelector; policyTypes?: string[] };
    return (p.metadata.namespace ?? target.namespace) === target.namespace && (spec.policyTypes ?? ['Ingress']).includes('Ingress') && selects(spec.podSelector, target.labels);
  });
  if (applying.length === 0) return true;
  return applying.some((policy) =>
    ((policy.spec as { ingress?: Rule[] }).ingress ?? []).some(
      (rule) => portAdmits(rule, target) && (!rule.from || rule.from.length === 0 || rule.from.some((peer) => peerAdmits(peer, policy.metadata.namespace ?? target.namespace, source))),
    ),
  );
}
