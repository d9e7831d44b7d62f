import { asArray, field, isObject, namespaceOf, podTemplatesIn, selectorMatches, WORKLOAD_KINDS } from '../../engine/kube';
import { policyTypesOf, selectsEverything } from '../../engine/network-policy';
import { defineRule, violations } from '../../engine/types';

/** Why a peer is everyone, or undefined when it is not. */
function everyone(peer: unknown): string | undefined {
  if (!isObject(peer) || Object.keys(peer).length === 0) return '`{}`';
  if (isObject(peer.ipBlock)) {
    const cidr = peer.ipBlock.cidr;
    return cidr === '0.0.0.0/0' || cidr === '::/0' ? `ipBlock ${cidr}` : undefined;
  }
  const everyNamespace = peer.namespaceSelector !== undefined && selectsEverything(peer.namespaceSelector);
  if (everyNamespace && (peer.podSelector === undefined || selectsEverything(peer.podSelector))) {
    return 'namespaceSelector {} (every pod of every namespace)';
  }
  return undefined;
}

/** A NetworkPolicy selects pods that exist, and no rule of it allows everyone. */
export const forbidOpenNetworkPolicy = defineRule({
  id: 'forbid-open-network-policy',
  area: 'tenancy',
  description: 'A NetworkPolicy selects pods of its namespace and opens no ingress from everywhere and no egress to everywhere.',
  rationale: 'A NetworkPolicy selects at least one workload\'s pods of its namespace, no ingress rule allows from everywhere (no from, a {} peer, namespaceSelector {}, 0.0.0.0/0), and no egress rule allows to everywhere on every port. A policy whose selector matches no pod protects nothing and hides that the real pods are covered only by the default (a renamed label does this silently). A rule open to everywhere undoes the default deny for the pods it selects: every pod of every team, and the internet where it is routable, reaches them.',
  remediation: 'Select the pods by the labels the workload\'s template carries (cluster-estate.io/app), and allow named callers: apps, namespaces, the ingress gateway or the load balancer\'s source ranges (`access.allowFrom`).',
  severity: 'high',
  enforcement: 'mandatory',
  kinds: ['NetworkPolicy'],
  relational: true,
  reads: [...WORKLOAD_KINDS],
  estateContext: 'none',
  config: {},
  check({ object, target }) {
    const messages: string[] = [];
    const selector = field(object, 'spec.podSelector');
    if (!selectsEverything(selector)) {
      const pods = podTemplatesIn(target, namespaceOf(object));
      if (!isObject(selector)) messages.push('it has no podSelector');
      else if (pods.length > 0 && !pods.some((p) => selectorMatches(selector, p.labels))) {
        messages.push(`its podSelector selects the pods of no workload in namespace ${namespaceOf(object) ?? 'default'}: it protects nothing`);
      }
    }
    const types = policyTypesOf(object);
    if (types.includes('Ingress')) {
      asArray(field(object, 'spec.ingress')).forEach((rule, i) => {
        const from = isObject(rule) ? rule.from : undefined;
        if (!Array.isArray(from) || from.length === 0) messages.push(`ingress rule ${i + 1} has no "from": it allows every source`);
        else for (const peer of from) {
          const why = everyone(peer);
          if (why) messages.push(`ingress rule ${i + 1} allows from everywhere: ${why}`);
        }
      });
    }
    if (types.includes('Egress')) {
      asArray(field(object, 'spec.egress')).forEach((rule, i) => {
        const to = isObject(rule) ? rule.to : undefined;
        const ports = isObject(rule) ? rule.ports : undefined;
        const anyPort = !Array.isArray(ports) || ports.length === 0;
        if (!Array.isArray(to) || to.length === 0) {
          if (anyPort) messages.push(`egress rule ${i + 1} has no "to" and no ports: it allows every destination`);
        } else if (anyPort) for (const peer of to) {
          const why = everyone(peer);
          if (why) messages.push(`egress rule ${i + 1} allows to everywhere on every port: ${why}`);
        }
      });
    }
    return violations(messages);
  },
});
