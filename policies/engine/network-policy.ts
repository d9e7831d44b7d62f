/**
 * NetworkPolicies evaluated with the semantics the Kubernetes documentation gives them (networking.k8s.io/v1), as a
 * small pure module: the reachability test of the estate's tenancy, the PR preview's "now reachable from" lines and
 * the tenancy rules all read it.
 *
 * - A policy applies to the pods of its own namespace that its `podSelector` selects (`{}`: every pod).
 * - `policyTypes` defaults to `Ingress`, plus `Egress` when the policy has an `egress` section.
 * - A pod selected by no policy of a direction is not isolated in that direction: everything is allowed.
 * - An isolated pod allows the union of the rules of every policy that selects it for that direction.
 * - A rule with no `from` (`to`) allows every peer; with no `ports`, every port. A peer with `podSelector` alone
 *   means pods of the policy's namespace; `namespaceSelector` alone, every pod of the selected namespaces; both,
 *   the selected pods of the selected namespaces; `ipBlock`, addresses (pods are matched by selectors only: the
 *   documentation leaves ipBlocks over pod addresses to the implementation).
 * - A connection needs both the source's egress and the destination's ingress to allow it. A named port is the
 *   destination pod's container port of that name; `endPort` makes a range.
 * Traffic from a node to its own pods (kubelet probes) is always allowed and is not modelled.
 */
import type { KubeObject } from '../../constructs';
import { cidrContains, parseCidr } from '../../constructs/internal';
import { asArray, field, isObject, Json, labelsOf, podLabels, podTemplateOf, selectorMatches, WORKLOAD_KINDS } from './kube';

/** One side of a connection: a pod (namespace and labels) or an address outside the cluster. */
export interface Endpoint {
  /** What it is, in messages: `trade/order-api`. */
  readonly name: string;
  /** Absent for an address outside the cluster. */
  readonly namespace?: string;
  /** The pod's labels. */
  readonly labels?: Readonly<Record<string, string>>;
  /** The pod's container ports, for named ports. */
  readonly ports?: readonly { readonly name?: string; readonly port: number; readonly protocol: string }[];
  /** An address: matched by ipBlocks only. */
  readonly ip?: string;
}

/** A direction of a policy. */
export type Direction = 'Ingress' | 'Egress';

/** The directions a policy isolates: `policyTypes`, or its default. */
export function policyTypesOf(policy: KubeObject | Json): Direction[] {
  const types = asArray(field(policy, 'spec.policyTypes')).filter((t): t is Direction => t === 'Ingress' || t === 'Egress');
  if (Array.isArray(field(policy, 'spec.policyTypes'))) return types;
  return field(policy, 'spec.egress') !== undefined ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** True when the selector is present and empty: it selects every pod (or every namespace). */
export function selectsEverything(selector: unknown): boolean {
  if (!isObject(selector)) return false;
  const labels = selector.matchLabels;
  const expressions = selector.matchExpressions;
  return (!isObject(labels) || Object.keys(labels).length === 0) && (!Array.isArray(expressions) || expressions.length === 0);
}

/** The pods a target's workloads run, one endpoint per workload (its pod template). */
export function podEndpoints(objects: readonly KubeObject[]): Endpoint[] {
  const kinds = new Set<string>(WORKLOAD_KINDS);
  const out: Endpoint[] = [];
  for (const o of objects) {
    if (!kinds.has(o.kind)) continue;
    const template = podTemplateOf(o);
    if (!template) continue;
    const spec = template.spec;
    const ports = [...asArray(spec.containers), ...asArray(spec.initContainers)].flatMap((c) => asArray(field(c, 'ports'))).filter(isObject)
      .map((p) => ({ ...(typeof p.name === 'string' ? { name: p.name } : {}), port: Number(p.containerPort), protocol: typeof p.protocol === 'string' ? p.protocol : 'TCP' }));
    out.push({ name: `${o.metadata?.namespace ?? ''}/${o.metadata?.name}`, namespace: o.metadata?.namespace ?? 'default', labels: podLabels(template), ports });
  }
  return out;
}

function ipOf(text: string): ReturnType<typeof parseCidr> | undefined {
  try {
    return parseCidr(text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`);
  } catch {
    return undefined;
  }
}

/** The verdict on one connection. */
export interface Reachability {
  /** Both the source's egress and the destination's ingress allow the connection. */
  readonly allowed: boolean;
  /** The destination's ingress allows it (or the destination is not isolated for ingress). */
  readonly ingress: boolean;
  /** The source's egress allows it (or the source is not isolated for egress). */
  readonly egress: boolean;
}

/** The NetworkPolicies of one cluster (one target's objects), ready to judge connections. */
export class NetworkPolicyEvaluator {
  private readonly byNamespace = new Map<string, KubeObject[]>();
  private readonly namespaceLabels = new Map<string, Record<string, string>>();

  constructor(objects: readonly KubeObject[]) {
    for (const o of objects) {
      if (o.kind === 'NetworkPolicy') {
        const ns = o.metadata?.namespace ?? 'default';
        const list = this.byNamespace.get(ns);
        if (list) list.push(o);
        else this.byNamespace.set(ns, [o]);
      } else if (o.kind === 'Namespace' && typeof o.metadata?.name === 'string') {
        this.namespaceLabels.set(o.metadata.name, { ...labelsOf(o) });
      }
    }
  }

  /** A namespace's labels: the Namespace object's, with the `kubernetes.io/metadata.name` label the API server sets. */
  public labelsOfNamespace(namespace: string): Record<string, string> {
    return { ...(this.namespaceLabels.get(namespace) ?? {}), 'kubernetes.io/metadata.name': namespace };
  }

  /** The policies that select a pod for a direction. */
  public policiesFor(pod: Endpoint, direction: Direction): KubeObject[] {
    if (pod.namespace === undefined) return [];
    return (this.byNamespace.get(pod.namespace) ?? []).filter((p) => policyTypesOf(p).includes(direction) && selectorMatches(field(p, 'spec.podSelector'), { ...(pod.labels ?? {}) }));
  }

  /** Whether `source` may open a connection to `destination` on `port` (a number, or the destination's port name). */
  public check(source: Endpoint, destination: Endpoint, port: number | string, protocol = 'TCP'): Reachability {
    const number = typeof port === 'number' ? port : destination.ports?.find((p) => p.name === port && p.protocol === protocol)?.port;
    if (number === undefined) return { allowed: false, ingress: false, egress: false };
    const ingress = destination.namespace === undefined || this.directionAllows(destination, source, 'Ingress', 'from', number, protocol, destination);
    const egress = source.namespace === undefined || this.directionAllows(source, destination, 'Egress', 'to', number, protocol, destination);
    return { allowed: ingress && egress, ingress, egress };
  }

  private directionAllows(subject: Endpoint, peer: Endpoint, direction: Direction, peersKey: 'from' | 'to', port: number, protocol: string, destination: Endpoint): boolean {
    const policies = this.policiesFor(subject, direction);
    if (policies.length === 0) return true;
    const key = direction === 'Ingress' ? 'ingress' : 'egress';
    for (const policy of policies) {
      for (const rule of asArray(field(policy, `spec.${key}`))) {
        if (!isObject(rule)) continue;
        const peers = rule[peersKey];
        const peerOk = !Array.isArray(peers) || peers.length === 0 || peers.some((p) => this.peerMatches(p, peer, policy.metadata?.namespace ?? 'default'));
        if (!peerOk) continue;
        const ports = rule.ports;
        if (!Array.isArray(ports) || ports.length === 0 || ports.some((p) => portMatches(p, port, protocol, destination))) return true;
      }
    }
    return false;
  }

  private peerMatches(peer: unknown, endpoint: Endpoint, policyNamespace: string): boolean {
    if (!isObject(peer)) return false;
    if (isObject(peer.ipBlock)) {
      if (endpoint.ip === undefined) return false;
      const ip = ipOf(endpoint.ip);
      const block = typeof peer.ipBlock.cidr === 'string' ? ipOf(peer.ipBlock.cidr) : undefined;
      if (!ip || !block || !cidrContains(block, ip)) return false;
      return !asArray(peer.ipBlock.except).some((e) => {
        const x = typeof e === 'string' ? ipOf(e) : undefined;
        return x !== undefined && cidrContains(x, ip);
      });
    }
    if (endpoint.namespace === undefined) return false;
    const hasPods = peer.podSelector !== undefined;
    const hasNamespaces = peer.namespaceSelector !== undefined;
    if (!hasPods && !hasNamespaces) return false;
    const namespaceOk = hasNamespaces ? selectorMatches(
      peer.namespaceSelector,
      this.labelsOfNamespace(endpoint.namespace),
    ) : endpoint.namespace === policyNamespace;
    return namespaceOk && (!hasPods || selectorMatches(peer.podSelector, { ...(endpoint.labels ?? {}) }));
  }
}

function portMatches(rule: unknown, port: number, protocol: string, destination: Endpoint): boolean {
  if (!isObject(rule)) return false;
  if ((typeof rule.protocol === 'string' ? rule.protocol : 'TCP') !== protocol) return false;
  if (rule.port === undefined) return true;
  let start: number | undefined;
  if (typeof rule.port === 'number') start = rule.port;
  else if (typeof rule.port === 'string') start = /^\d+$/.test(rule.port) ? Number(rule.port) : destination.ports?.find((p) => p.name === rule.port && p.protocol === protocol)?.port;
  if (start === undefined) return false;
  const end = typeof rule.endPort === 'number' ? rule.endPort : start;
  return port >= start && port <= end;
}
