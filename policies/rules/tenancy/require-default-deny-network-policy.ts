import { asArray, field, namespaceOf, WORKLOAD_KINDS } from '../../engine/kube';
import { Direction, policyTypesOf, selectsEverything } from '../../engine/network-policy';
import { COMPLIANT, defineRule, violations } from '../../engine/types';
import type { TargetView } from '../../engine/target';

/** The directions a namespace's NetworkPolicies deny by default: a policy that selects every pod and allows nothing. */
function deniedDirections(target: TargetView, namespace: string | undefined): Set<Direction> {
  const memo = target.memo('default-deny-by-namespace', () => new Map<string, Set<Direction>>());
  const key = namespace ?? '';
  let denied = memo.get(key);
  if (!denied) {
    denied = new Set();
    for (const policy of target.inNamespace('NetworkPolicy', namespace)) {
      if (!selectsEverything(field(policy, 'spec.podSelector'))) continue;
      for (const d of policyTypesOf(policy)) {
        if (asArray(field(policy, `spec.${d === 'Ingress' ? 'ingress' : 'egress'}`)).length === 0) denied.add(d);
      }
    }
    memo.set(key, denied);
  }
  return denied;
}

/** Every namespace with workloads denies ingress and egress by default; allows are explicit. */
export const requireDefaultDenyNetworkPolicy = defineRule({
  id: 'require-default-deny-network-policy',
  area: 'tenancy',
  description: 'Every namespace with workloads has a default-deny NetworkPolicy for both ingress and egress.',
  rationale: 'Every namespace with workloads has a default-deny NetworkPolicy for ingress and for egress: a policy whose podSelector is {} and that lists the direction in policyTypes with no rules for it. Kubernetes allows every connection to and from a pod that no NetworkPolicy selects: without a default deny, any pod of any team reaches this namespace\'s pods (and they reach everything), and a new app is open until someone remembers to write its policy.',
  remediation: 'Add `{ podSelector: {}, policyTypes: [Ingress, Egress] }` to the namespace (the estate renders it as `default-deny` in every app namespace), then allow what the apps declare (`access.allowFrom`).',
  severity: 'high',
  enforcement: 'mandatory',
  kinds: [...WORKLOAD_KINDS],
  relational: true,
  reads: ['NetworkPolicy'],
  estateContext: 'none',
  config: {},
  check({ object, target }) {
    const namespace = namespaceOf(object);
    const denied = deniedDirections(target, namespace);
    if (denied.has('Ingress') && denied.has('Egress')) return COMPLIANT;
    const missing = (['Ingress', 'Egress'] as const).filter((d) => !denied.has(d)).map((d) => d.toLowerCase());
    return violations([`namespace ${namespace ?? 'default'} has no default-deny NetworkPolicy for ${missing.join(' and ')}: its pods ${missing.length === 2 ? 'accept connections from and open them to' : missing[0] === 'ingress' ? 'accept connections from' : 'open connections to'} any pod of the cluster`]);
  },
});
