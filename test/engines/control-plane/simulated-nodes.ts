/**
 * Simulated nodes for a cluster's node pools, made from what the estate synthesizes for `management`: one Node per
 * Machine each MachineDeployment of the cluster would run (its replicas, or the autoscaler's bound from its
 * annotations), carrying the labels a real node of that Machine gets:
 *
 * - the kubelet's `--node-labels` from the pool's KubeadmConfigTemplate (zone, region, instance type, pool role, ...);
 * - the Machine template's labels that Cluster API syncs to Nodes (domains node-role.kubernetes.io,
 *   node-restriction.kubernetes.io and node.cluster.x-k8s.io, and their subdomains);
 * - kubernetes.io/hostname, os and arch, as the kubelet sets them;
 *
 * and the taints of the KubeadmConfigTemplate's nodeRegistration. Capacity is the pool's instance; allocatable is what
 * the estate's capacity model says a node offers pods (instance minus the system reserve), so the scheduler and
 * `estate synth` judge the same numbers. KWOK keeps the nodes Ready and runs their pods.
 */
import { nodeAllocatable } from '../../../constructs/apps/capacity';
import { MANAGEMENT_TARGET, Synthesis } from '../../../constructs';

/** Domains whose labels Cluster API copies from a Machine to its Node. */
const SYNCED_LABEL = /^(([a-z0-9-]+\.)*node-role\.kubernetes\.io|([a-z0-9-]+\.)*node-restriction\.kubernetes\.io|([a-z0-9-]+\.)*node\.cluster\.x-k8s\.io)\//;

/** The annotation KWOK's node selector matches. */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';

export interface SimulatedNode {
  readonly name: string;
  readonly pool: string;
  readonly zone: string;
  readonly machineDeployment: string;
  readonly object: Record<string, any>;
}

/** Which size of an autoscaled pool to simulate. */
export type PoolSize = 'min' | 'max';

/** The Nodes of one cluster's node pools, per zone, at the autoscalers' `size`. */
export function simulatedNodes(synthesis: Synthesis, cluster: string, size: PoolSize): SimulatedNode[] {
  const plan = synthesis.plan.clusters.find((c) => c.name === cluster);
  if (!plan) throw new Error(`no cluster ${cluster} in the plan`);
  const management = synthesis.targets.find((t) => t.name === MANAGEMENT_TARGET)?.objects as any[] | undefined;
  if (!management) throw new Error('no management target');
  const nodes: SimulatedNode[] = [];
  const deployments = management.filter((o) => o.kind === 'MachineDeployment' && o.spec.clusterName === cluster)
    .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
  for (const md of deployments) {
    const configRef = md.spec.template.spec.bootstrap.configRef;
    const kct = management.find((o) =>
      o.kind === configRef.kind && o.metadata.name === configRef.name && o.metadata.namespace === md.metadata.namespace);
    if (!kct) throw new Error(`${md.metadata.name}: no ${configRef.kind} ${configRef.name}`);
    const registration = kct.spec.template.spec.joinConfiguration?.nodeRegistration ?? {};
    const kubeletArgs: { name: string; value: string }[] = registration.kubeletExtraArgs ?? [];
    const nodeLabels = Object.fromEntries((kubeletArgs.find((a) => a.name === 'node-labels')?.value ?? '')
      .split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]));
    const synced = Object.fromEntries(Object.entries(md.spec.template.metadata?.labels ?? {}).filter(([k]) => SYNCED_LABEL.test(k)));
    const poolName = synced['node.cluster.x-k8s.io/pool'] as string;
    const pool = plan.pools.find((p) => p.name === poolName);
    if (!pool) throw new Error(`${md.metadata.name}: pool ${poolName} is not in the plan of ${cluster}`);
    const annotations = md.metadata.annotations ?? {};
    const count = md.spec.replicas ?? Number(annotations[`cluster.x-k8s.io/cluster-api-autoscaler-node-group-${size}-size`]);
    if (!Number.isInteger(count)) throw new Error(`${md.metadata.name}: neither replicas nor an autoscaler ${size} size`);
    const allocatable = nodeAllocatable(pool.instance, synthesis.plan.capacity.reserve);
    const zone = nodeLabels['topology.kubernetes.io/zone'] ?? md.spec.template.spec.failureDomain;
    for (let i = 0; i < count; i++) {
      const name = `${md.metadata.name}-${i}`;
      nodes.push({
        name, pool: poolName, zone, machineDeployment: md.metadata.name,
        object: {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: {
            name,
            labels: { ...nodeLabels, ...synced, 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' },
            annotations: { [KWOK_NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
          },
          spec: { taints: registration.taints ?? [] },
          status: {
            capacity: { cpu: String(pool.instance.vcpu), memory: `${pool.instance.memoryGiB}Gi`, pods: '110' },
            allocatable: { cpu: `${allocatable.cpuMillis}m`, memory: `${allocatable.memoryMiB}Mi`, pods: '110' },
            nodeInfo: { kubeletVersion: pool.kubernetesVersion, architecture: 'amd64', operatingSystem: 'linux' },
          },
        },
      });
    }
  }
  return nodes;
}
