/**
 * Revisions of an estate that change its machines or only their number, made on the built estate as an edited estate
 * file would have built it (the constructs take these props when a pool or control plane is built).
 */
import { Cluster, Estate, InstanceSpec, NodePool } from '../../constructs';
import { referenceEstate } from '../../stacks/estates';

function clusterOf(estate: Estate, name: string): Cluster {
  const found = estate.clusters.find((c) => c.name === name);
  if (!found) throw new Error(`no cluster ${name} in ${estate.name}`);
  return found;
}

function poolOf(estate: Estate, cluster: string, pool: string): NodePool {
  const found = clusterOf(estate, cluster).nodePools.find((p) => p.name === pool);
  if (!found) throw new Error(`no node pool ${pool} in ${cluster}`);
  return found;
}

/** Revision: a node pool's machines become another instance model. */
export function withPoolInstance(cluster: string, pool: string, instance: InstanceSpec, estate: Estate = referenceEstate()): Estate {
  (poolOf(estate, cluster, pool) as { instance: InstanceSpec }).instance = instance;
  return estate;
}

/** Revision: a fixed-size node pool gets another number of machines per zone. */
export function withPoolReplicas(cluster: string, pool: string, replicasPerZone: number, estate: Estate = referenceEstate()): Estate {
  const p = poolOf(estate, cluster, pool);
  if (p.replicasPerZone === undefined) throw new Error(`${cluster}/${pool} is autoscaled`);
  (p as { replicasPerZone?: number }).replicasPerZone = replicasPerZone;
  return estate;
}

/** Revision: an autoscaled node pool gets other bounds. */
export function withPoolBounds(cluster: string, pool: string, minPerZone: number, maxPerZone: number, estate: Estate = referenceEstate()): Estate {
  const p = poolOf(estate, cluster, pool);
  if (p.autoscaling === undefined) throw new Error(`${cluster}/${pool} has a fixed size`);
  (p as { autoscaling?: { minPerZone: number; maxPerZone: number } }).autoscaling = { minPerZone, maxPerZone };
  return estate;
}

/** Revision: a node pool gets another node label (a kubelet argument, not the machine). */
export function withPoolLabel(cluster: string, pool: string, key: string, value: string, estate: Estate = referenceEstate()): Estate {
  const p = poolOf(estate, cluster, pool);
  (p as { labels: Record<string, string> }).labels = { ...p.labels, [key]: value };
  return estate;
}

/** Revision: a cluster's control-plane machines become another instance model. */
export function withControlPlaneInstance(cluster: string, instance: InstanceSpec, estate: Estate = referenceEstate()): Estate {
  (clusterOf(estate, cluster).controlPlane as { instance: InstanceSpec }).instance = instance;
  return estate;
}

/** Revision: a cluster's control-plane replicas change (3 ↔ 5). */
export function withControlPlaneReplicas(cluster: string, replicas: number, estate: Estate = referenceEstate()): Estate {
  (clusterOf(estate, cluster).controlPlane as { replicas: number }).replicas = replicas;
  return estate;
}
