/** The part of the topology a change touches: region → IDC → cluster → pool (plus etcd and control plane). */
import { ChangeAction, ObjectChange, TopologyNode } from './model';

/** Where a cluster runs, and its group kind. */
export interface ClusterPlace {
  readonly region?: string;
  readonly idc?: string;
  readonly groupKind?: string;
}

/** What the topology needs to know of a changed object beyond its identity (read from its labels). */
export interface ObjectFacts {
  readonly pool?: string;
  readonly machineRole?: string;
}

/** The key of `ObjectFacts` maps: `Kind/namespace/name`. */
export function factsKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

type Status = TopologyNode['status'];

function statusOf(actions: readonly ChangeAction[]): Exclude<Status, 'context'> {
  if (actions.length > 0 && actions.every((a) => a === ChangeAction.CREATE)) return 'created';
  if (actions.length > 0 && actions.every((a) => a === ChangeAction.DELETE)) return 'deleted';
  return 'changed';
}

function countNote(what: string, changes: readonly ObjectChange[]): string {
  const by = new Map<string, number>();
  for (const c of changes) by.set(c.action, (by.get(c.action) ?? 0) + 1);
  const words: Record<string, string> = { create: 'created', update: 'updated', replace: 'replaced', delete: 'deleted' };
  return [...by.entries()].map(([a, n]) => `${n} ${what}${n === 1 ? '' : 's'} ${words[a]}`).join(', ');
}

/**
 * The affected topology, from the management target's changes (Cluster API objects): a cluster is affected when
 * any of its objects changes; under it, the pools whose MachineDeployments change, its etcd when members change and
 * its control plane when the KubeadmControlPlane changes. Empty when no cluster or pool changes.
 */
export function affectedTopology(
  changes: readonly ObjectChange[],
  managementTarget: string,
  places: ReadonlyMap<string, ClusterPlace>,
  facts: ReadonlyMap<string, ObjectFacts>,
): TopologyNode[] {
  const byCluster = new Map<string, ObjectChange[]>();
  for (const c of changes) {
    if (c.target !== managementTarget || !c.cluster) continue;
    let list = byCluster.get(c.cluster);
    if (!list) byCluster.set(c.cluster, (list = []));
    list.push(c);
  }
  const regions = new Map<string, Map<string, TopologyNode[]>>();
  for (const cluster of [...byCluster.keys()].sort()) {
    const list = byCluster.get(cluster)!;
    const clusterObject = list.find((c) => c.ref.kind === 'Cluster' && c.ref.apiVersion.startsWith('cluster.x-k8s.io/'));
    const status: Exclude<Status, 'context'> = clusterObject?.action === ChangeAction.CREATE ? 'created' : clusterObject?.action === ChangeAction.DELETE ? 'deleted' : 'changed';
    const children: TopologyNode[] = [];
    const pools = new Map<string, ObjectChange[]>();
    for (const c of list.filter((x) => x.ref.kind === 'MachineDeployment')) {
      const pool = facts.get(factsKey(c.ref.kind, c.ref.namespace, c.ref.name))?.pool ?? c.ref.name;
      let p = pools.get(pool);
      if (!p) pools.set(pool, (p = []));
      p.push(c);
    }
    for (const pool of [...pools.keys()].sort()) {
      const p = pools.get(pool)!;
      children.push({ kind: 'pool', name: pool, status: statusOf(p.map((c) => c.action)), children: [], note: countNote('MachineDeployment', p) });
    }
    const etcd = list.filter((c) => c.ref.kind === 'Machine' && facts.get(factsKey(c.ref.kind, c.ref.namespace, c.ref.name))?.machineRole === 'etcd');
    if (etcd.length > 0) children.push({ kind: 'pool', name: 'etcd', status: status === 'changed' ? statusOf(etcd.map((c) => c.action)) : status, children: [], note: countNote('member', etcd) });
    const kcp = list.filter((c) => c.ref.kind === 'KubeadmControlPlane');
    if (kcp.length > 0) children.push({ kind: 'pool', name: 'control plane', status: status === 'changed' ? statusOf(kcp.map((c) => c.action)) : status, children: [], note: countNote('KubeadmControlPlane', kcp) });
    const place = places.get(cluster) ?? {};
    const region = place.region ?? 'unknown region';
    const idc = place.idc ?? 'unknown IDC';
    let idcs = regions.get(region);
    if (!idcs) regions.set(region, (idcs = new Map()));
    let clusters = idcs.get(idc);
    if (!clusters) idcs.set(idc, (clusters = []));
    clusters.push({ kind: 'cluster', name: cluster, status, children, ...(place.groupKind ? { note: `${place.groupKind} group` } : {}) });
  }
  return [...regions.keys()].sort().map((region) => ({
    kind: 'region',
    name: region,
    status: 'context',
    children: [...regions.get(region)!.keys()].sort().map((idc) => ({ kind: 'idc', name: idc, status: 'context', children: regions.get(region)!.get(idc)! })),
  }));
}
