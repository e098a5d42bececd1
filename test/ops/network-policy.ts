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

const portAdmits = (rule: Pick<Rule, 'ports'>, target: Pick<Target, 'port'>): boolean =>
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

interface EgressRule {
  to?: Peer[];
  ports?: { port?: number | string; protocol?: string }[];
}

/** A pod of `namespace` with `labels` (its own address is irrelevant to egress). */
export interface EgressSource {
  namespace: string;
  labels: Labels;
}

/**
 * Where a connection goes: a pod (its namespace's labels, its own, and its address, a private one as a
 * cluster gives) or an address outside the cluster; on a port (number, the pod's name for it, protocol).
 */
export interface Destination {
  pod?: { namespace: string; namespaceLabels: Labels; podLabels: Labels };
  ip: string;
  port: { number: number; name?: string; protocol?: string };
}

/** An IPv4 address (or the IPv4 part of a CIDR) as a number; IPv6 is left out (undefined). */
const ipv4 = (address: string): number | undefined => {
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  return parts.reduce((n, part) => n * 256 + Number(part), 0);
};

/** Whether `ip` is in `cidr` (IPv4; an IPv6 CIDR contains no IPv4 address). */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const [address, network] = [ipv4(ip), ipv4(base)];
  if (address === undefined || network === undefined) return false;
  const size = 2 ** (32 - Number(bits));
  return Math.floor(address / size) === Math.floor(network / size);
}

const egressPeerAllows = (peer: Peer, policyNamespace: string, to: Destination): boolean => {
  if (peer.ipBlock) return inCidr(to.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c) => inCidr(to.ip, c));
  if (!to.pod) return false;
  if (peer.namespaceSelector) return selects(peer.namespaceSelector, to.pod.namespaceLabels) && selects(peer.podSelector, to.pod.podLabels);
  return to.pod.namespace === policyNamespace && selects(peer.podSelector, to.pod.podLabels);
};

/** The policies that confine `from`'s egress: of its namespace, of type Egress, selecting it. */
export function egressPoliciesOf(policies: Resource[], from: EgressSource): Resource[] {
  return policies.filter((p) => {
    const spec = p.spec as { podSelector: LabelSelector; policyTypes?: string[]; egress?: unknown[] };
    const types = spec.policyTypes ?? (spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
    return (p.metadata.namespace ?? from.namespace) === from.namespace && types.includes('Egress') && selects(spec.podSelector, from.labels);
  });
}

/**
 * Whether the NetworkPolicies let a pod open a connection to `to`, by the API's rules: a pod no Egress
 * policy selects reaches everything; a selected pod only what some egress rule of a policy selecting it
 * allows (a rule without `to` allows every destination, without `ports` every port).
 */
export function allowsEgress(policies: Resource[], from: EgressSource, to: Destination): boolean {
  const applying = egressPoliciesOf(policies, from);
  if (applying.length === 0) return true;
  return applying.some((policy) =>
    ((policy.spec as { egress?: EgressRule[] }).egress ?? []).some(
      (rule) => portAdmits(rule, to) && (!rule.to || rule.to.length === 0 || rule.to.some((peer) => egressPeerAllows(peer, policy.metadata.namespace ?? from.namespace, to))),
    ),
  );
}
