import { clusterNameOf, etcdConfigOf, etcdMachinesOf, bootstrapSecretOf, urlList } from '../../engine/capi';
import { asArray, field, isObject, namespaceOf } from '../../engine/kube';
import { defineRule, notApplicable, violations } from '../../engine/types';

export interface RequireOddEtcdMembersConfig {
  readonly minMembers: number;
  readonly maxMembers: number;
}

/** A dedicated etcd has an odd number of members (3, 5 or 7), and every place that counts them agrees. */
export const requireOddEtcdMembers = defineRule<RequireOddEtcdMembersConfig>({
  id: 'require-odd-etcd-members',
  area: 'etcd',
  description: 'A dedicated etcd runs an odd number of members (3, 5 or 7), and its endpoints, member Machines and initial-cluster lists agree.',
  rationale: 'A cluster\'s dedicated etcd runs an odd number of members (3, 5 or 7), and the control plane\'s endpoints, the member Machines and every member\'s initial-cluster list agree on it. Quorum is n/2+1: 4 members tolerate one failure like 3 do, with one more machine to lose; 2 members tolerate none. A control plane that lists a different set of members than exist points API servers at machines that are not there.',
  remediation: 'Set etcd.members to 3, 5 or 7 (5 for large clusters) and synthesize again; in hand-written YAML list every member once in etcd.external.endpoints and in each member\'s initial-cluster.',
  severity: 'critical',
  enforcement: 'mandatory',
  kinds: ['KubeadmControlPlane'],
  relational: true,
  reads: ['Machine', 'Secret'],
  estateContext: 'none',
  config: {
    minMembers: { type: 'integer', description: 'Fewest members allowed.', default: 3, minimum: 1 },
    maxMembers: { type: 'integer', description: 'Most members allowed (etcd recommends at most 7).', default: 7, minimum: 1 },
  },
  check({ object, target, config }) {
    const etcd = field(object, 'spec.kubeadmConfigSpec.clusterConfiguration.etcd');
    const external = field(etcd, 'external');
    if (!isObject(external)) return notApplicable('the control plane runs a stacked etcd (require-dedicated-etcd-machines reports it)');
    const endpoints = asArray(external.endpoints).map(String);
    const n = endpoints.length;
    const messages: string[] = [];
    if (n % 2 === 0 || n < config.minMembers || n > config.maxMembers) {
      messages.push(`etcd.external lists ${n} endpoint(s): a dedicated etcd runs an odd number of members from ${config.minMembers} to ${config.maxMembers} (an even count adds a machine and no fault tolerance)`);
    }
    const cluster = clusterNameOf(object);
    const machines = cluster ? etcdMachinesOf(target, namespaceOf(object), cluster) : [];
    if (machines.length > 0 && machines.length !== n) {
      messages.push(`${machines.length} etcd member Machine(s) exist for cluster ${cluster} but the control plane lists ${n} endpoint(s)`);
    }
    for (const machine of machines) {
      const secret = bootstrapSecretOf(target, machine);
      const member = secret ? etcdConfigOf(target, secret) : undefined;
      if (!member) continue;
      const initial = urlList(member.config['initial-cluster']);
      if (initial.length !== n) messages.push(`member ${String(machine.metadata.name)} starts with an initial-cluster of ${initial.length} member(s), not ${n}`);
    }
    return violations(messages);
  },
});
