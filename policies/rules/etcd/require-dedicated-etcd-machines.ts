import type { KubeObject } from '../../../constructs';
import { CAPI_CLUSTER_NAME, CAPI_CONTROL_PLANE, CAPI_DEPLOYMENT_NAME } from '../../../constructs/internal';
import { bootstrapSecretOf, clusterNameOf, etcdConfigOf, etcdMachinesOf, isEtcdMachine, urlHost, urlList } from '../../engine/capi';
import { asArray, asString, field, isObject, labelsOf, nameOf, namespaceOf } from '../../engine/kube';
import type { TargetView } from '../../engine/target';
import { defineRule, notApplicable, violations } from '../../engine/types';

/** The client addresses an etcd member Machine serves on, from its bootstrap configuration. */
function memberHosts(target: TargetView, machine: KubeObject): readonly string[] {
  // Each member is compared with every other of its cluster: read its hosts once per target.
  const cache = target.memo('etcd-member-hosts', () => new Map<KubeObject, readonly string[]>());
  let hosts = cache.get(machine);
  if (!hosts) cache.set(machine, (hosts = readMemberHosts(target, machine)));
  return hosts;
}

function readMemberHosts(target: TargetView, machine: KubeObject): string[] {
  const secret = bootstrapSecretOf(target, machine);
  const member = secret ? etcdConfigOf(target, secret) : undefined;
  if (!member) return [];
  return [...urlList(member.config['advertise-client-urls']), ...urlList(member.config['listen-client-urls'])].map(urlHost).filter((h): h is string => h !== undefined);
}

/** etcd runs on machines of its own: never stacked on the control plane, never on workers, one member per machine. */
export const requireDedicatedEtcdMachines = defineRule({
  id: 'require-dedicated-etcd-machines',
  area: 'etcd',
  description: 'etcd runs on dedicated member Machines of its own cluster, apart from the control plane and the worker pools.',
  rationale: 'etcd runs on dedicated machines: the control plane uses an external etcd whose endpoints are this cluster\'s etcd member Machines, and each member Machine is neither a control-plane nor a worker machine and has a bootstrap of its own. A stacked etcd shares disks and CPU with the API server, so a busy API server stalls etcd\'s fsyncs and leader heartbeats; a member that is also a node can be drained or replaced by Cluster API like any node, taking a quorum member with it.',
  remediation: 'Keep the estate\'s dedicated etcd (cluster etcd props); in hand-written YAML use clusterConfiguration.etcd.external with the members\' client URLs, and give each member its own Machine without control-plane or MachineDeployment labels and with its own bootstrap Secret.',
  severity: 'critical',
  enforcement: 'mandatory',
  kinds: ['KubeadmControlPlane', 'Machine'],
  relational: true,
  reads: ['Machine', 'Secret'],
  estateContext: 'none',
  config: {},
  check({ object, target }) {
    const messages: string[] = [];
    if (object.kind === 'KubeadmControlPlane') {
      const etcd = field(object, 'spec.kubeadmConfigSpec.clusterConfiguration.etcd');
      if (isObject(field(etcd, 'local')) || !isObject(field(etcd, 'external'))) {
        return violations(['the control plane runs a stacked etcd (etcd.local, or no etcd.external): etcd shares the control-plane machines']);
      }
      const cluster = clusterNameOf(object);
      const machines = cluster ? etcdMachinesOf(target, namespaceOf(object), cluster) : [];
      if (machines.length === 0) return violations(messages);
      const hosts = new Set(machines.flatMap((m) => memberHosts(target, m)));
      if (hosts.size === 0) return violations(messages);
      for (const endpoint of asArray(field(etcd, 'external.endpoints')).map(String)) {
        const host = urlHost(endpoint);
        if (!host || !hosts.has(host)) messages.push(`etcd endpoint ${endpoint} is not served by any etcd member Machine of cluster ${cluster}`);
      }
      return violations(messages);
    }

    if (!isEtcdMachine(object)) return notApplicable('not an etcd member Machine');
    const labels = labelsOf(object);
    if (CAPI_CONTROL_PLANE in labels) messages.push(`the etcd member carries the ${CAPI_CONTROL_PLANE} label: Cluster API treats it as a control-plane machine`);
    if (CAPI_DEPLOYMENT_NAME in labels) messages.push(`the etcd member carries the ${CAPI_DEPLOYMENT_NAME} label: it belongs to a MachineDeployment of workers`);
    for (const owner of asArray(field(object, 'metadata.ownerReferences'))) {
      const kind = asString(field(owner, 'kind'));
      if (kind === 'MachineSet' || kind === 'KubeadmControlPlane' || kind === 'MachinePool') messages.push(`the etcd member is owned by ${kind} ${String(field(owner, 'name'))}: it would be scaled or replaced with it`);
    }
    const configKind = asString(field(object, 'spec.bootstrap.configRef.kind'));
    if (configKind === 'KubeadmConfig') messages.push('the etcd member bootstraps with a KubeadmConfig: it would join the cluster as a node');
    const secretName = asString(field(object, 'spec.bootstrap.dataSecretName'));
    if (!secretName) {
      if (configKind !== 'KubeadmConfig') messages.push('the etcd member has no bootstrap.dataSecretName: nothing installs etcd on it');
    } else {
      const sharing = target.inNamespace('Machine', namespaceOf(object)).filter((m) => m !== object && field(m, 'spec.bootstrap.dataSecretName') === secretName);
      if (sharing.length > 0) messages.push(`the bootstrap Secret ${secretName} is shared with ${sharing.map(nameOf).join(', ')}: two members would start with the same identity`);
    }
    const cluster = labels[CAPI_CLUSTER_NAME] ?? clusterNameOf(object);
    if (cluster) {
      const own = new Set(memberHosts(target, object));
      for (const other of etcdMachinesOf(target, namespaceOf(object), cluster)) {
        if (other === object) continue;
        const shared = memberHosts(target, other).filter((h) => own.has(h));
        if (shared.length > 0) messages.push(`the member serves on ${shared[0]}, as member ${nameOf(other)} does: two members on one machine`);
      }
    }
    return violations([...new Set(messages)]);
  },
});
